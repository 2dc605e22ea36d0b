import type { KubeObject, Pod } from '@keelson/api';
import type { Clock, Logger, Ticker } from '@keelson/core';
import type { Status } from '../framework/status.js';
import { type ClusterEvent, type ClusterEventWithHint, eventMatches, Events, newPodInfo, podKey, QueueingHint, type QueuedPodInfo } from '../framework/types.js';
import { Heap } from './heap.js';

export interface SchedulingQueueOptions {
  clock: Clock;
  /** The profiles' QueueSort: true when a goes first. */
  less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  /** kube's podInitialBackoffSeconds (1 s) and podMaxBackoffSeconds (10 s), in ms. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Unschedulable pods go back to the queues after this long anyway (kube: 5 min). */
  maxInUnschedulablePodsMs?: number;
  /** The pod's profile's PreEnqueue plugins (a non-success gates the pod). */
  preEnqueue?: (pod: Pod) => Status | undefined;
  /** The events a plugin of the pod's profile registered. */
  pluginEvents?: (pod: Pod, plugin: string) => readonly ClusterEventWithHint[];
  log?: Logger;
}

interface InFlightEvent {
  seq: number;
  event: ClusterEvent;
  oldObj?: KubeObject;
  newObj?: KubeObject;
}

export type QueueName = 'activeQ' | 'backoffQ' | 'unschedulablePods' | 'gated';

/**
 * kube-scheduler's PriorityQueue: activeQ (ordered by QueueSort), backoffQ (ordered by back-off
 * expiry) and unschedulable pods that only an event their rejecting plugins registered (or the
 * 5-minute flush) brings back. Time is the Clock's.
 */
export class SchedulingQueue {
  private readonly activeQ: Heap<QueuedPodInfo>;
  private readonly backoffQ: Heap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, number>();
  private inFlightEvents: InFlightEvent[] = [];
  private eventSeq = 0;
  private waiters: ((p: QueuedPodInfo | undefined) => void)[] = [];
  private closed = false;
  private tickers: Ticker[] = [];
  /** Incremented on every pop (kube's schedulingCycle). */
  schedulingCycle = 0;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxInUnschedulable: number;

  constructor(private readonly opts: SchedulingQueueOptions) {
    this.initialBackoff = opts.initialBackoffMs ?? 1000;
    this.maxBackoff = opts.maxBackoffMs ?? 10_000;
    this.maxInUnschedulable = opts.maxInUnschedulablePodsMs ?? 5 * 60_000;
    const key = (p: QueuedPodInfo) => podKey(p.podInfo.pod);
    this.activeQ = new Heap(key, opts.less);
    this.backoffQ = new Heap(key, (a, b) => this.backoffTime(a) < this.backoffTime(b));
  }

  /** Starts the flushes: backoffQ every second, long-unschedulable pods every 30 s. */
  run(): void {
    if (this.tickers.length) return;
    this.tickers.push(this.opts.clock.tick(1000, () => this.flushBackoffQCompleted()));
    this.tickers.push(this.opts.clock.tick(30_000, () => this.flushUnschedulablePodsLeftover()));
  }

  close(): void {
    this.closed = true;
    for (const t of this.tickers) t.stop();
    this.tickers = [];
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  // ---- the pod's own lifecycle ---------------------------------------------------------------

  /** A new unscheduled pod. */
  add(pod: Pod): void {
    const now = this.opts.clock.now();
    const pInfo: QueuedPodInfo = { podInfo: newPodInfo(pod), timestamp: now, initialAttemptTimestamp: undefined, attempts: 0, unschedulablePlugins: new Set(), pendingPlugins: new Set() };
    this.deleteEverywhere(podKey(pod));
    this.toActiveOrGated(pInfo);
  }

  /** An update of an unscheduled pod. */
  update(oldPod: Pod, newPod: Pod): void {
    const key = podKey(newPod);
    if (this.inFlight.has(newPod.metadata.uid!)) this.recordInFlight({ resource: 'UnscheduledPod', actionType: 1 << 11, label: 'UnscheduledPodUpdate' }, oldPod, newPod);
    for (const q of [this.activeQ, this.backoffQ]) {
      const p = q.get(key);
      if (p) {
        p.podInfo = newPodInfo(newPod);
        q.addOrUpdate(p);
        return;
      }
    }
    const p = this.unschedulable.get(key);
    if (p) {
      p.podInfo = newPodInfo(newPod);
      if (schedulingPropertiesChanged(oldPod, newPod)) {
        this.unschedulable.delete(key);
        if (p.gatingPlugin) this.toActiveOrGated(p);
        else this.toActiveOrBackoff(p);
      }
      return;
    }
    if (!this.inFlight.has(newPod.metadata.uid!)) this.add(newPod);
  }

  delete(pod: Pod): void {
    this.deleteEverywhere(podKey(pod));
  }

  /** The next pod to schedule (waits while the active queue is empty; undefined once closed). */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const p = this.activeQ.pop();
    if (p) return Promise.resolve(this.popped(p));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Pops without waiting (undefined when the active queue is empty). */
  tryPop(): QueuedPodInfo | undefined {
    const p = this.activeQ.pop();
    return p ? this.popped(p) : undefined;
  }

  private popped(p: QueuedPodInfo): QueuedPodInfo {
    this.schedulingCycle++;
    p.attempts++;
    p.initialAttemptTimestamp ??= this.opts.clock.now();
    p.unschedulablePlugins = new Set();
    p.pendingPlugins = new Set();
    this.inFlight.set(p.podInfo.pod.metadata.uid!, this.eventSeq);
    return p;
  }

  /** The scheduling attempt of a popped pod ended (bound, or requeued). */
  done(uid: string): void {
    this.inFlight.delete(uid);
    if (this.inFlight.size === 0) this.inFlightEvents = [];
    else {
      const oldest = Math.min(...this.inFlight.values());
      this.inFlightEvents = this.inFlightEvents.filter((e) => e.seq > oldest);
    }
  }

  /**
   * A pod the cycle turned down: to backoffQ when an event that may help arrived while it was
   * being scheduled (or it failed with an error), otherwise to the unschedulable pods.
   */
  addUnschedulableIfNotPresent(p: QueuedPodInfo): void {
    const key = podKey(p.podInfo.pod);
    const uid = p.podInfo.pod.metadata.uid!;
    if (this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key)) {
      this.done(uid);
      return;
    }
    p.timestamp = this.opts.clock.now();
    const since = this.inFlight.get(uid) ?? this.eventSeq;
    const missed = this.inFlightEvents.some((e) => e.seq > since && this.podMatchesEvent(p, e.event, e.oldObj, e.newObj));
    this.done(uid);
    if (missed || (p.unschedulablePlugins.size === 0 && p.pendingPlugins.size === 0)) this.toBackoff(p);
    else this.unschedulable.set(key, p);
  }

  // ---- cluster events -------------------------------------------------------------------------

  /** Moves the unschedulable pods this event may help to backoffQ/activeQ (kube's MoveAllToActiveOrBackoffQueue). */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject): void {
    if (this.inFlight.size > 0) this.recordInFlight(event, oldObj, newObj);
    let moved = 0;
    for (const [key, p] of this.unschedulable) {
      if (p.gatingPlugin) {
        if (event !== Events.UnschedulableTimeout && this.opts.preEnqueue?.(p.podInfo.pod)) continue;
      } else if (!this.podMatchesEvent(p, event, oldObj, newObj)) continue;
      this.unschedulable.delete(key);
      if (p.gatingPlugin) this.toActiveOrGated(p);
      else this.toActiveOrBackoff(p);
      moved++;
    }
    if (moved) this.opts.log?.debug('pods moved by cluster event', { event: event.label, moved });
  }

  private recordInFlight(event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject): void {
    this.inFlightEvents.push({ seq: ++this.eventSeq, event, oldObj, newObj });
  }

  private podMatchesEvent(p: QueuedPodInfo, event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject): boolean {
    if (event.resource === '*' && event.actionType === Events.WildCard.actionType) return true;
    const rejectors = [...p.unschedulablePlugins, ...p.pendingPlugins];
    if (rejectors.length === 0) return true;
    const pod = p.podInfo.pod;
    for (const plugin of rejectors) {
      const regs: readonly ClusterEventWithHint[] = this.opts.pluginEvents?.(pod, plugin) ?? [{ event: Events.WildCard }];
      for (const reg of regs) {
        if (!eventMatches(reg.event, event)) continue;
        if (!reg.queueingHintFn) return true;
        try {
          if (reg.queueingHintFn(pod, oldObj, newObj) === QueueingHint.Queue) return true;
        } catch {
          return true;
        }
      }
    }
    return false;
  }

  // ---- flushes --------------------------------------------------------------------------------

  flushBackoffQCompleted(): void {
    const now = this.opts.clock.now();
    for (;;) {
      const top = this.backoffQ.peek();
      if (!top || this.backoffTime(top) > now) break;
      this.backoffQ.pop();
      this.toActive(top);
    }
  }

  flushUnschedulablePodsLeftover(): void {
    const now = this.opts.clock.now();
    for (const [key, p] of this.unschedulable) {
      if (now - p.timestamp < this.maxInUnschedulable) continue;
      this.unschedulable.delete(key);
      if (p.gatingPlugin) this.toActiveOrGated(p);
      else this.toActiveOrBackoff(p);
    }
  }

  // ---- placement ------------------------------------------------------------------------------

  /** kube's calculateBackoffDuration: initial × 2^(attempts−1), at most max. */
  backoffDuration(p: QueuedPodInfo): number {
    let d = this.initialBackoff;
    for (let i = 1; i < p.attempts; i++) {
      d *= 2;
      if (d > this.maxBackoff) return this.maxBackoff;
    }
    return d;
  }

  backoffTime(p: QueuedPodInfo): number {
    return p.timestamp + this.backoffDuration(p);
  }

  private toActiveOrGated(p: QueuedPodInfo): void {
    const s = this.opts.preEnqueue?.(p.podInfo.pod);
    if (s) {
      p.gatingPlugin = s.plugin;
      this.unschedulable.set(podKey(p.podInfo.pod), p);
      return;
    }
    p.gatingPlugin = undefined;
    this.toActive(p);
  }

  private toActiveOrBackoff(p: QueuedPodInfo): void {
    if (p.attempts > 0 && this.backoffTime(p) > this.opts.clock.now()) this.toBackoff(p);
    else this.toActive(p);
  }

  private toBackoff(p: QueuedPodInfo): void {
    this.backoffQ.addOrUpdate(p);
  }

  private toActive(p: QueuedPodInfo): void {
    const w = this.waiters.shift();
    if (w) w(this.popped(p));
    else this.activeQ.addOrUpdate(p);
  }

  private deleteEverywhere(key: string): void {
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
  }

  // ---- introspection (tests, debugging) --------------------------------------------------------

  /** Where a pod is, if queued. */
  whereIs(pod: Pod): QueueName | undefined {
    const key = podKey(pod);
    if (this.activeQ.has(key)) return 'activeQ';
    if (this.backoffQ.has(key)) return 'backoffQ';
    const u = this.unschedulable.get(key);
    if (u) return u.gatingPlugin ? 'gated' : 'unschedulablePods';
    return undefined;
  }

  pendingPods(): { activeQ: Pod[]; backoffQ: Pod[]; unschedulablePods: Pod[] } {
    return {
      activeQ: this.activeQ.list().map((p) => p.podInfo.pod),
      backoffQ: this.backoffQ.list().map((p) => p.podInfo.pod),
      unschedulablePods: [...this.unschedulable.values()].map((p) => p.podInfo.pod),
    };
  }
}

/** kube's isPodUpdated: anything but status, resourceVersion, generation and managedFields changed. */
function schedulingPropertiesChanged(a: Pod, b: Pod): boolean {
  const strip = (p: Pod) => JSON.stringify({ spec: p.spec, labels: p.metadata.labels, annotations: p.metadata.annotations });
  return strip(a) !== strip(b);
}
