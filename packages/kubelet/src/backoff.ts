import type { Clock } from '@keelson/core';

/**
 * client-go's flowcontrol.Backoff as the kubelet uses it for container restarts and image
 * pulls: per key, the first Next() sets the initial delay, each later one doubles it up to max;
 * an entry untouched for 2 × max (10 min with kubelet's 5 min cap) expires, so a container that
 * ran that long starts over at the initial delay.
 */
export class Backoff {
  private readonly entries = new Map<string, { backoff: number; lastUpdate: number }>();

  constructor(
    private readonly clock: Clock,
    readonly initialMs = 10_000,
    readonly maxMs = 300_000,
  ) {}

  private expired(e: { lastUpdate: number }, eventTime: number): boolean {
    return eventTime - e.lastUpdate > 2 * this.maxMs;
  }

  /** Current delay of the key (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.backoff ?? 0;
  }

  /** Records one more failure: initial delay for a new or expired key, else doubled (capped). */
  next(key: string, eventTime = this.clock.now()): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e, eventTime)) {
      this.entries.set(key, { backoff: this.initialMs, lastUpdate: this.clock.now() });
      return;
    }
    e.backoff = Math.min(e.backoff * 2, this.maxMs);
    e.lastUpdate = this.clock.now();
  }

  /** True while less than the key's delay has passed since eventTime. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, eventTime)) return false;
    return this.clock.now() - eventTime < e.backoff;
  }

  /** True while less than the key's delay has passed since its last next() (image pulls). */
  isInBackOffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e, this.clock.now())) return false;
    return this.clock.now() - e.lastUpdate < e.backoff;
  }

  /** Milliseconds until isInBackOffSinceUpdate(key) turns false. */
  remainingSinceUpdate(key: string): number {
    const e = this.entries.get(key);
    if (!e || !this.isInBackOffSinceUpdate(key)) return 0;
    return e.lastUpdate + e.backoff - this.clock.now();
  }

  /** Milliseconds until isInBackOffSince(key, eventTime) turns false (0 when it already is). */
  remaining(key: string, eventTime: number): number {
    const e = this.entries.get(key);
    if (!e || !this.isInBackOffSince(key, eventTime)) return 0;
    return eventTime + e.backoff - this.clock.now();
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key with this prefix (a pod's keys when it goes). */
  resetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
