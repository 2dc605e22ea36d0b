import type { Lease, Node, NodeCondition, Pod, Taint } from '@keelson/api';
import { createRateLimitingQueue, type RateLimitingQueue, type RunContext, type Runnable } from '@keelson/core';
import { LeaseKind, NodeKind, PodKind } from '@keelson/plugin-core';
import { markPodsNotReady } from './mark-pods-not-ready.js';
import { getCondition, type NodeHealth, observeNodeHealth } from './node-health.js';
import { PodsByNode, splitKey } from './pods-by-node.js';
import { desiredNoScheduleTaints, NotReadyTaintTemplate, ownedNoScheduleTaints, swapNodeControllerTaint, taintExists, taintSetDiff, UnreachableTaintTemplate } from './taints.js';
import { computeZoneState, RateLimitedTimedQueue, TokenBucket, zoneKey, type ZoneState } from './zones.js';
import { defaultNodeLifecycleOptions, type NodeLifecycleOptions } from './options.js';

/** Nodes with this label are left out of the zone disruption arithmetic. */
export const LABEL_EXCLUDE_DISRUPTION = 'node.kubernetes.io/exclude-disruption';

/**
 * kube's node lifecycle controller (pkg/controller/nodelifecycle) with taint-based eviction:
 * monitors heartbeats (Ready's lastHeartbeatTime and the node's Lease in kube-node-lease), turns
 * the conditions of silent nodes Unknown, marks their pods not ready, puts the NoExecute
 * not-ready / unreachable taints on unhealthy nodes through per-zone rate-limited queues (no
 * tainting at all while every zone is fully disrupted), and keeps the NoSchedule condition taints
 * (and node.kubernetes.io/unschedulable) in step with the node.
 */
export class NodeLifecycleController {
  private readonly health = new Map<string, NodeHealth>();
  private readonly known = new Map<string, Node>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly tainters = new Map<string, RateLimitedTimedQueue>();
  private readonly nodesToRetry = new Set<string>();
  private readonly pods = new PodsByNode();
  private monitoring = false;
  private tainting = false;

  constructor(
    private readonly ctx: RunContext,
    private readonly opts: NodeLifecycleOptions,
  ) {}

  private get nodes() {
    return this.ctx.informers.lister<Node>(NodeKind);
  }

  async run(): Promise<void> {
    const { ctx } = this;
    const nodeQueue = createRateLimitingQueue<string>({ clock: ctx.clock, name: 'node-lifecycle-nodes' });
    const podQueue = createRateLimitingQueue<string>({ clock: ctx.clock, name: 'node-lifecycle-pods' });
    const regs = [
      ctx.informers.informerFor<Node>(NodeKind).addEventHandler({
        onAdd: (n) => nodeQueue.add(n.metadata.name!),
        onUpdate: (_o, n) => nodeQueue.add(n.metadata.name!),
      }),
      ctx.informers.informerFor<Pod>(PodKind).addEventHandler({
        onAdd: (p) => {
          this.pods.upsert(p);
          if (p.spec?.nodeName) podQueue.add(PodsByNode.key(p));
        },
        onUpdate: (o, p) => {
          this.pods.upsert(p);
          if (p.spec?.nodeName && p.spec.nodeName !== o.spec?.nodeName) podQueue.add(PodsByNode.key(p));
        },
        onDelete: (p) => this.pods.remove(p),
      }),
    ];
    await Promise.all([NodeKind, PodKind, LeaseKind].map((k) => ctx.informers.informerFor(k).start()));
    const workers = [this.work(nodeQueue, (name) => this.doNoScheduleTaintingPass(name)), this.work(podQueue, (key) => this.processPod(key))];
    const monitor = ctx.clock.tick(this.opts.nodeMonitorPeriodMs, () => void this.monitorOnce());
    const tainter = ctx.clock.tick(this.opts.nodeEvictionPeriodMs, () => void this.taintOnce());
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    monitor.stop();
    tainter.stop();
    nodeQueue.shutDown();
    podQueue.shutDown();
    await Promise.all(workers);
    for (const r of regs) r.remove();
  }

  /** One worker over a queue: errors are retried with the queue's back-off. */
  private async work(queue: RateLimitingQueue<string>, fn: (item: string) => Promise<void>): Promise<void> {
    for (;;) {
      const next = await queue.get();
      if (next.shutdown) return;
      try {
        await fn(next.item);
        queue.forget(next.item);
      } catch (err) {
        if (!this.ctx.signal.aborted) {
          this.ctx.log.warn('node lifecycle: retrying', { item: next.item, error: err instanceof Error ? err.message : String(err) });
          queue.addRateLimited(next.item);
        }
      } finally {
        queue.done(next.item);
      }
    }
  }

  private async monitorOnce(): Promise<void> {
    if (this.monitoring || this.ctx.signal.aborted) return;
    this.monitoring = true;
    try {
      await this.monitorNodeHealth();
    } catch (err) {
      this.ctx.log.warn('node lifecycle: monitoring pass failed', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.monitoring = false;
    }
  }

  private async taintOnce(): Promise<void> {
    if (this.tainting || this.ctx.signal.aborted) return;
    this.tainting = true;
    try {
      await this.doNoExecuteTaintingPass();
    } catch (err) {
      this.ctx.log.warn('node lifecycle: tainting pass failed', { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.tainting = false;
    }
  }

  /** kube's monitorNodeHealth: one pass over every node. */
  async monitorNodeHealth(): Promise<void> {
    const { ctx } = this;
    const nodes = this.nodes.list();
    const names = new Set(nodes.map((n) => n.metadata.name!));
    for (const node of nodes) {
      if (this.known.has(node.metadata.name!)) continue;
      ctx.recorder.event(node, 'Normal', 'RegisteredNode', `Registered Node ${node.metadata.name} in Controller`);
      this.known.set(node.metadata.name!, node);
      this.addTainterForZone(node);
      await this.markNodeAsReachable(node);
    }
    for (const [name, node] of this.known) {
      if (names.has(name)) continue;
      ctx.recorder.event(node, 'Normal', 'RemovingNode', `Removing Node ${name} from Controller`);
      this.known.delete(name);
      this.health.delete(name);
      this.nodesToRetry.delete(name);
    }

    const zoneConditions = new Map<string, (NodeCondition | undefined)[]>();
    for (const node of nodes) {
      const name = node.metadata.name!;
      const obs = await this.updateNodeHealth(node);
      if (!obs) continue;
      if (!node.metadata.labels?.[LABEL_EXCLUDE_DISRUPTION]) {
        const zone = zoneKey(node);
        zoneConditions.set(zone, [...(zoneConditions.get(zone) ?? []), obs.currentReady]);
      }
      if (obs.currentReady) {
        await this.processTaintBaseEviction(node, obs.observedReady);
        const becameNotReady = obs.currentReady.status !== 'True' && obs.observedReady.status === 'True';
        if (becameNotReady) ctx.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        if (becameNotReady || (this.nodesToRetry.has(name) && obs.observedReady.status !== 'True')) {
          try {
            await markPodsNotReady(ctx.client, ctx.recorder, this.podsOn(name), name, ctx.clock.now());
          } catch (err) {
            ctx.log.warn('node lifecycle: marking pods not ready failed', { node: name, error: err instanceof Error ? err.message : String(err) });
            this.nodesToRetry.add(name);
            continue;
          }
        }
      }
      this.nodesToRetry.delete(name);
    }
    await this.handleDisruption(zoneConditions, nodes);
  }

  /** tryUpdateNodeHealth with its retries: writes the Unknown conditions, re-reading the node after a failure. */
  private async updateNodeHealth(first: Node) {
    const { ctx } = this;
    const name = first.metadata.name!;
    const timing = { monitorGracePeriod: this.opts.nodeMonitorGracePeriodMs, startupGracePeriod: this.opts.nodeStartupGracePeriodMs };
    let node = first;
    for (let attempt = 0; attempt < 5; attempt++) {
      const lease = ctx.informers.lister<Lease>(LeaseKind).namespace('kube-node-lease').get(name);
      const now = ctx.clock.now();
      const obs = observeNodeHealth(node, lease, this.health.get(name), now, timing);
      this.health.set(name, obs.health);
      if (!obs.update) return obs;
      try {
        const written = await ctx.client.updateStatus<Node>(obs.update, { kind: NodeKind });
        this.health.set(name, { status: written.status ?? {}, probeTimestamp: obs.health.probeTimestamp, readyTransitionTimestamp: now, leaseRenewTime: obs.health.leaseRenewTime });
        return obs;
      } catch {
        try {
          node = await ctx.client.get<Node>(NodeKind, name);
        } catch {
          return undefined;
        }
      }
    }
    ctx.log.warn('node lifecycle: could not update node health', { node: name });
    return undefined;
  }

  private podsOn(nodeName: string): Pod[] {
    const out: Pod[] = [];
    for (const key of this.pods.keys(nodeName)) {
      const { namespace, name } = splitKey(key);
      const pod = this.ctx.informers.lister<Pod>(PodKind).namespace(namespace).get(name);
      if (pod) out.push(pod);
    }
    return out;
  }

  /** kube's processTaintBaseEviction, from the Ready condition the node had before this pass. */
  private async processTaintBaseEviction(node: Node, observedReady: NodeCondition): Promise<void> {
    const taints = node.spec?.taints;
    const name = node.metadata.name!;
    const now = () => this.ctx.clock.now();
    switch (observedReady.status) {
      case 'False':
        if (taintExists(taints, UnreachableTaintTemplate)) await swapNodeControllerTaint(this.ctx.client, name, [NotReadyTaintTemplate], [UnreachableTaintTemplate], now, node);
        else this.markNodeForTainting(node, 'False');
        break;
      case 'Unknown':
        if (taintExists(taints, NotReadyTaintTemplate)) await swapNodeControllerTaint(this.ctx.client, name, [UnreachableTaintTemplate], [NotReadyTaintTemplate], now, node);
        else this.markNodeForTainting(node, 'Unknown');
        break;
      case 'True':
        await this.markNodeAsReachable(node);
        break;
    }
  }

  private addTainterForZone(node: Node): void {
    const zone = zoneKey(node);
    if (this.zoneStates.has(zone)) return;
    this.zoneStates.set(zone, 'Initial');
    this.tainters.set(zone, new RateLimitedTimedQueue(this.ctx.clock, new TokenBucket(this.ctx.clock, this.opts.evictionLimiterQPS, 1)));
  }

  private tainterFor(node: Node): RateLimitedTimedQueue {
    this.addTainterForZone(node);
    return this.tainters.get(zoneKey(node))!;
  }

  /** kube's markNodeForTainting: (re)queue the node unless it already carries the taint for its state. */
  private markNodeForTainting(node: Node, status: 'False' | 'Unknown'): boolean {
    const q = this.tainterFor(node);
    const taint = status === 'False' ? NotReadyTaintTemplate : UnreachableTaintTemplate;
    if (!taintExists(node.spec?.taints, taint)) q.remove(node.metadata.name!);
    return q.add(node.metadata.name!, node.metadata.uid ?? '');
  }

  /** kube's markNodeAsReachable: the NoExecute not-ready/unreachable taints go and the node leaves its tainting queue. */
  private async markNodeAsReachable(node: Node): Promise<boolean> {
    const present = [UnreachableTaintTemplate, NotReadyTaintTemplate].filter((t) => taintExists(node.spec?.taints, t));
    if (present.length) await swapNodeControllerTaint(this.ctx.client, node.metadata.name!, [], present, () => this.ctx.clock.now(), node);
    return this.tainterFor(node).remove(node.metadata.name!);
  }

  /** kube's doNoExecuteTaintingPass: each zone's queue, within its rate limit. */
  async doNoExecuteTaintingPass(): Promise<void> {
    for (const zone of [...this.tainters.keys()].sort()) {
      const q = this.tainters.get(zone)!;
      if (q.size === 0) continue;
      await q.try(async ({ value }) => {
        const node = this.nodes.get(value);
        if (!node) return [true, 0];
        const ready = getCondition(node.status, 'Ready');
        if (!ready) return [false, 50];
        let add: Taint;
        let opposite: Taint;
        if (ready.status === 'False') [add, opposite] = [NotReadyTaintTemplate, UnreachableTaintTemplate];
        else if (ready.status === 'Unknown') [add, opposite] = [UnreachableTaintTemplate, NotReadyTaintTemplate];
        else return [true, 0];
        return [await swapNodeControllerTaint(this.ctx.client, value, [add], [opposite], () => this.ctx.clock.now(), node), 0];
      });
    }
  }

  /** kube's doNoScheduleTaintingPass: the condition taints and the unschedulable taint follow the node. */
  async doNoScheduleTaintingPass(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    const { add, remove } = taintSetDiff(desiredNoScheduleTaints(node), ownedNoScheduleTaints(node));
    if (add.length === 0 && remove.length === 0) return;
    if (!(await swapNodeControllerTaint(this.ctx.client, name, add, remove, () => this.ctx.clock.now(), node))) throw new Error(`failed to swap taints of node ${name}`);
  }

  /** kube's processPod: a pod bound to a node that is not Ready is marked not ready too. */
  private async processPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.informers.lister<Pod>(PodKind).namespace(namespace).get(name);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || !this.health.has(nodeName)) return;
    const node = this.nodes.get(nodeName);
    const ready = getCondition(node?.status, 'Ready');
    if (!ready || ready.status === 'True') return;
    await markPodsNotReady(this.ctx.client, this.ctx.recorder, [pod], nodeName, this.ctx.clock.now());
  }

  /** kube's handleDisruption: zone states decide the tainting rate; all zones down stops tainting altogether. */
  private async handleDisruption(zoneConditions: Map<string, (NodeCondition | undefined)[]>, nodes: readonly Node[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, conds] of zoneConditions) {
      const { state } = computeZoneState(conds, this.opts.unhealthyZoneThreshold);
      newStates.set(zone, state);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneConditions.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWasFullyDisrupted = false;
        break;
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      this.ctx.log.info('Controller detected that all Nodes are not-Ready. Entering master disruption mode');
      for (const node of nodes) await this.markNodeAsReachable(node);
      for (const zone of this.zoneStates.keys()) {
        this.tainters.get(zone)?.swapLimiter(0);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWasFullyDisrupted) {
      this.ctx.log.info('Controller detected that some Nodes are Ready. Exiting master disruption mode');
      const now = this.ctx.clock.now();
      for (const node of nodes) {
        const h = this.health.get(node.metadata.name!);
        if (h) this.health.set(node.metadata.name!, { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
      }
      for (const zone of this.zoneStates.keys()) {
        this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, newStates.get(zone)!);
        this.zoneStates.set(zone, newStates.get(zone)!);
      }
      return;
    }
    for (const [zone, state] of this.zoneStates) {
      const next = newStates.get(zone)!;
      if (state === next) continue;
      this.ctx.log.info('Controller detected that zone is now in new state', { zone, newState: next });
      this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, next);
      this.zoneStates.set(zone, next);
    }
  }

  private setLimiterInZone(zone: string, zoneSize: number, state: ZoneState): void {
    const q = this.tainters.get(zone);
    if (!q) return;
    if (state === 'Normal' || state === 'FullDisruption') q.swapLimiter(this.opts.evictionLimiterQPS);
    else if (state === 'PartialDisruption') q.swapLimiter(zoneSize > this.opts.largeClusterThreshold ? this.opts.secondaryEvictionLimiterQPS : 0);
  }
}

/**
 * The controller as a Runnable (leader-elected, as in kube-controller-manager). Settings: the
 * defaults, then the cluster's (`configured`, e.g. the plugin's options), then `options`.
 */
export function nodeLifecycleController(options: Partial<NodeLifecycleOptions> = {}, configured?: (ctx: RunContext) => Partial<NodeLifecycleOptions> | undefined): Runnable {
  return {
    name: 'node-lifecycle-controller',
    component: 'node-controller',
    needLeaderElection: true,
    start: (ctx) => new NodeLifecycleController(ctx, { ...defaultNodeLifecycleOptions, ...configured?.(ctx), ...options }).run(),
  };
}
