import type { Node, NodeCondition } from '@keelson/api';
import type { Clock } from '@keelson/core';

/** kube's zone states of the node lifecycle controller. */
export type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/** nodetopology.GetZoneKey: "region:\0:zone" from the topology labels (or their beta forms), "" without them. */
export function zoneKey(node: Node): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\x00:${zone}`;
}

/**
 * kube's ComputeZoneState: no Ready node → FullDisruption; more than two not-ready nodes making up
 * at least unhealthyZoneThreshold of the zone → PartialDisruption; else Normal.
 */
export function computeZoneState(readyConditions: readonly (NodeCondition | undefined)[], unhealthyZoneThreshold: number): { notReady: number; state: ZoneState } {
  let ready = 0;
  let notReady = 0;
  for (const c of readyConditions) {
    if (c?.status === 'True') ready++;
    else notReady++;
  }
  if (ready === 0 && notReady > 0) return { notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + ready) >= unhealthyZoneThreshold) return { notReady, state: 'PartialDisruption' };
  return { notReady, state: 'Normal' };
}

/** flowcontrol's token bucket (TryAccept only); qps <= 0 never accepts (kube's fake "never" limiter). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface TimedValue {
  value: string;
  uid: string;
  processAt: number;
  seq: number;
}

/**
 * kube's RateLimitedTimedQueue over a UniqueQueue: values are taken in processAt order, each try
 * costs a token; a value handled successfully leaves the queue but stays in the set (it is not
 * queued again until remove()d, e.g. when its node is reachable again).
 */
export class RateLimitedTimedQueue {
  private readonly set = new Set<string>();
  private queue: TimedValue[] = [];
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private limiter: TokenBucket,
  ) {}

  /** Adds a value unless it is already in the set; true when added. */
  add(value: string, uid: string): boolean {
    if (this.set.has(value)) return false;
    this.set.add(value);
    const now = this.clock.now();
    this.queue.push({ value, uid, processAt: now, seq: this.seq++ });
    return true;
  }

  /** Removes a value from the queue and the set; true when it was in the set. */
  remove(value: string): boolean {
    this.queue = this.queue.filter((v) => v.value !== value);
    return this.set.delete(value);
  }

  get size(): number {
    return this.queue.length;
  }

  /** Replaces the limiter (zone state changes), as SwapLimiter. */
  swapLimiter(qps: number): void {
    if (this.limiter.qps === qps) return;
    this.limiter = new TokenBucket(this.clock, qps, qps <= 0 ? 0 : 1);
  }

  get qps(): number {
    return this.limiter.qps;
  }

  /**
   * Processes due values while tokens last: fn returns [done, retryAfterMs]; a value not done is
   * tried again after retryAfterMs.
   */
  async try(fn: (v: { value: string; uid: string }) => Promise<[boolean, number]>): Promise<void> {
    for (;;) {
      const head = this.head();
      if (!head) return;
      if (!this.limiter.tryAccept()) return;
      const now = this.clock.now();
      if (now < head.processAt) return;
      const [done, wait] = await fn(head);
      if (!this.queue.includes(head)) continue; // removed meanwhile
      if (done) this.queue = this.queue.filter((v) => v !== head);
      else head.processAt = now + wait + 1;
    }
  }

  private head(): TimedValue | undefined {
    let best: TimedValue | undefined;
    for (const v of this.queue) if (!best || v.processAt < best.processAt || (v.processAt === best.processAt && v.seq < best.seq)) best = v;
    return best;
  }
}
