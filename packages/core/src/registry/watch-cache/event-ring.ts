/** Something with a revision, kept in revision order. */
export interface Revisioned {
  readonly revision: number;
}

/**
 * A bounded ring of recent events in revision order (kube's watchCache cyclic buffer): pushing
 * onto a full ring drops the oldest event, and the ring remembers the revision it no longer covers.
 */
export class EventRing<E extends Revisioned> {
  private readonly buf: (E | undefined)[];
  private start = 0;
  private count = 0;
  /** Every event with a revision above this one is still here (or was never in the ring's range). */
  private evictedUpTo = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`watch cache capacity must be a positive integer, got ${capacity}`);
    this.buf = new Array<E | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The highest revision dropped from the ring (0 if none was). */
  get evicted(): number {
    return this.evictedUpTo;
  }

  push(e: E): void {
    if (this.count === this.capacity) {
      const oldest = this.buf[this.start]!;
      this.evictedUpTo = Math.max(this.evictedUpTo, oldest.revision);
      this.buf[this.start] = e;
      this.start = (this.start + 1) % this.capacity;
      return;
    }
    this.buf[(this.start + this.count) % this.capacity] = e;
    this.count++;
  }

  /** Events with a revision above `rev`, oldest first. */
  after(rev: number): E[] {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at(mid).revision <= rev) lo = mid + 1;
      else hi = mid;
    }
    const out: E[] = [];
    for (let i = lo; i < this.count; i++) out.push(this.at(i));
    return out;
  }

  /** Forgets every event (a cache restart). */
  reset(): void {
    this.buf.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.evictedUpTo = 0;
  }

  private at(i: number): E {
    return this.buf[(this.start + i) % this.capacity]!;
  }
}
