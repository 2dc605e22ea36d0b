/**
 * A bitmap over the offsets 0..size-1 of a range (kube's allocator.AllocationBitmap). Dynamic
 * allocation prefers the upper part of the range and falls back to the lower "static" band, so
 * addresses and ports that users ask for by value rarely collide with allocated ones (kube's
 * bitmap-with-offset strategy, KEP-3070 and KEP-3668).
 */
export class RangeFullError extends Error {
  override readonly name = 'RangeFullError';
  constructor() {
    super('range is full');
  }
}

export interface RangeAllocatorOptions {
  /** Offsets never handed out by allocateNext (they can still be allocated by value). */
  reserved?: Iterable<number>;
  /** A number in [0, 1): where the search for a free offset starts. Math.random by default. */
  random?: () => number;
}

/** kube's calculateRangeOffset: the static band is size/16, at least 16 and at most `max`. */
export function staticBandSize(size: number, max: number): number {
  const min = 16;
  if (size < min) return 0;
  return Math.min(Math.max(min, Math.floor(size / 16)), max);
}

export class RangeAllocator {
  private readonly used: Uint8Array;
  private readonly reserved: Set<number>;
  private readonly random: () => number;
  private count = 0;

  constructor(
    readonly size: number,
    private readonly staticBand: number,
    opts: RangeAllocatorOptions = {},
  ) {
    this.used = new Uint8Array(size);
    this.reserved = new Set(opts.reserved ?? []);
    this.random = opts.random ?? Math.random;
  }

  /** Marks an offset used; false if it already was. */
  allocate(offset: number): boolean {
    if (this.used[offset]) return false;
    this.used[offset] = 1;
    this.count++;
    return true;
  }

  /** A free offset, now marked used; RangeFullError when there is none. */
  allocateNext(): number {
    const offset = this.findFree(this.staticBand, this.size) ?? this.findFree(0, this.staticBand);
    if (offset === undefined) throw new RangeFullError();
    this.allocate(offset);
    return offset;
  }

  release(offset: number): void {
    if (!this.used[offset]) return;
    this.used[offset] = 0;
    this.count--;
  }

  has(offset: number): boolean {
    return this.used[offset] === 1;
  }

  /** How many offsets are in use. */
  get allocated(): number {
    return this.count;
  }

  /** Clears every allocation. */
  reset(): void {
    this.used.fill(0);
    this.count = 0;
  }

  /** Scans [from, to) for a free, unreserved offset, starting at a random point and wrapping. */
  private findFree(from: number, to: number): number | undefined {
    const n = to - from;
    if (n <= 0) return undefined;
    const start = Math.floor(this.random() * n) % n;
    for (let i = 0; i < n; i++) {
      const offset = from + ((start + i) % n);
      if (!this.used[offset] && !this.reserved.has(offset)) return offset;
    }
    return undefined;
  }
}
