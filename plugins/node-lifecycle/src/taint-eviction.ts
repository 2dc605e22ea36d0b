import { isNotFound, type Node, type Pod, type PodCondition, type Taint } from '@keelson/api';
import { type RunContext, type Runnable, rfc3339, type Timer } from '@keelson/core';
import { NodeKind, PodKind } from '@keelson/plugin-core';
import { PodsByNode, splitKey } from './pods-by-node.js';
import { getMatchingTolerations, minTolerationTime, noExecuteTaints } from './taints.js';

interface ScheduledEviction {
  createdAt: number;
  fireAt: number;
  timer: Timer;
}

function sameTaints(a: readonly Taint[], b: readonly Taint[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameTolerations(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.spec?.tolerations ?? []) === JSON.stringify(b.spec?.tolerations ?? []);
}

/**
 * kube's taint eviction controller (NoExecuteTaintManager): a pod on a node with NoExecute taints
 * it does not tolerate is deleted at once; one that tolerates them all for a while
 * (tolerationSeconds, the smallest counts) is deleted when that time has passed since the taints
 * were seen, unless they go away first. Events on the pod: TaintManagerEviction "Marking for
 * deletion Pod ns/name" and "Cancelling deletion of Pod ns/name"; the pod gets DisruptionTarget
 * (DeletionByTaintManager) before it is deleted.
 */
export class TaintEvictionController {
  private readonly taintedNodes = new Map<string, Taint[]>();
  private readonly scheduled = new Map<string, ScheduledEviction>();
  private readonly pods = new PodsByNode();

  constructor(private readonly ctx: RunContext) {}

  async run(): Promise<void> {
    const { ctx } = this;
    const regs = [
      ctx.informers.informerFor<Node>(NodeKind).addEventHandler({
        onAdd: (n) => this.nodeUpdated(undefined, n),
        onUpdate: (o, n) => this.nodeUpdated(o, n),
        onDelete: (n) => this.nodeUpdated(n, undefined),
      }),
      ctx.informers.informerFor<Pod>(PodKind).addEventHandler({
        onAdd: (p) => this.podUpdated(undefined, p),
        onUpdate: (o, p) => this.podUpdated(o, p),
        onDelete: (p) => this.podUpdated(p, undefined),
      }),
    ];
    await Promise.all([NodeKind, PodKind].map((k) => ctx.informers.informerFor(k).start()));
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    for (const r of regs) r.remove();
    for (const s of this.scheduled.values()) s.timer.stop();
    this.scheduled.clear();
  }

  private nodeUpdated(old: Node | undefined, node: Node | undefined): void {
    const name = (node ?? old)!.metadata.name!;
    if (!node) {
      this.taintedNodes.delete(name);
      return;
    }
    const taints = noExecuteTaints(node.spec?.taints);
    if (old && sameTaints(noExecuteTaints(old.spec?.taints), taints)) return;
    if (taints.length === 0) this.taintedNodes.delete(name);
    else this.taintedNodes.set(name, taints);
    const keys = this.pods.keys(name);
    if (taints.length === 0) {
      for (const key of keys) this.cancel(key);
      return;
    }
    const now = this.ctx.clock.now();
    for (const key of keys) {
      const pod = this.pod(key);
      if (pod) this.processPodOnNode(key, pod, taints, now);
    }
  }

  private podUpdated(old: Pod | undefined, pod: Pod | undefined): void {
    if (!pod) {
      this.pods.remove(old!);
      this.cancel(PodsByNode.key(old!));
      return;
    }
    this.pods.upsert(pod);
    if (old && old.spec?.nodeName === pod.spec?.nodeName && sameTolerations(old, pod)) return;
    const key = PodsByNode.key(pod);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const taints = this.taintedNodes.get(nodeName);
    if (!taints) return;
    this.processPodOnNode(key, pod, taints, this.ctx.clock.now());
  }

  private pod(key: string): Pod | undefined {
    const { namespace, name } = splitKey(key);
    return this.ctx.informers.lister<Pod>(PodKind).namespace(namespace).get(name);
  }

  /** kube's processPodOnNode. */
  private processPodOnNode(key: string, pod: Pod, taints: readonly Taint[], now: number): void {
    if (taints.length === 0) this.cancel(key);
    const { allTolerated, used } = getMatchingTolerations(taints, pod.spec?.tolerations);
    if (!allTolerated) {
      this.cancel(key);
      this.schedule(key, now, now);
      return;
    }
    const min = minTolerationTime(used);
    if (min < 0) {
      this.cancel(key);
      return;
    }
    let start = now;
    const existing = this.scheduled.get(key);
    if (existing) {
      start = existing.createdAt;
      if (start + min < now + min) return;
      this.cancel(key);
    }
    this.schedule(key, start, start + min);
  }

  private schedule(key: string, createdAt: number, fireAt: number): void {
    const delay = fireAt - this.ctx.clock.now();
    // Due now: at once (a zero timer would wait for the clock to move).
    if (delay <= 0) return void this.evict(key);
    const timer = this.ctx.clock.setTimer(delay, () => void this.evict(key));
    this.scheduled.set(key, { createdAt, fireAt, timer });
  }

  /** cancelWorkWithEvent. */
  private cancel(key: string): void {
    const s = this.scheduled.get(key);
    if (!s) return;
    this.scheduled.delete(key);
    if (!s.timer.stop()) return;
    const { namespace, name } = splitKey(key);
    this.ctx.recorder.event(this.podRef(namespace, name), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  private podRef(namespace: string, name: string): Pod {
    return this.pod(`${namespace}/${name}`) ?? { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name } };
  }

  /** deletePodHandler: event, DisruptionTarget condition, delete (retried a few times). */
  private async evict(key: string): Promise<void> {
    this.scheduled.delete(key);
    const { namespace, name } = splitKey(key);
    const { ctx } = this;
    ctx.recorder.event(this.podRef(namespace, name), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const pod = await ctx.client.get<Pod>(PodKind, name, { namespace });
        const cond: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: rfc3339(ctx.clock.now()) };
        const existing = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
        if (!existing || existing.status !== 'True' || existing.reason !== cond.reason) {
          const conditions = [...(pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), cond];
          await ctx.client.updateStatus<Pod>({ ...pod, status: { ...pod.status, conditions } }, { kind: PodKind });
        }
        await ctx.client.delete(PodKind, name, { namespace, preconditions: { uid: pod.metadata.uid } });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (attempt === 4) ctx.log.warn('taint eviction: deleting pod failed', { pod: key, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}

/** The taint eviction controller as a Runnable. */
export const taintEvictionController: Runnable = {
  name: 'taint-eviction-controller',
  component: 'taint-eviction-controller',
  needLeaderElection: true,
  start: (ctx) => new TaintEvictionController(ctx).run(),
};
