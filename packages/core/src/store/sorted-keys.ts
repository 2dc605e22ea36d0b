/**
 * Keys in lexical order with O(log n) search. Backed by a sorted array: inserts are a memmove,
 * which stays cheap well past 100k keys; range scans are a binary search plus a walk.
 */
export class SortedKeys {
  private keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  insert(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) return;
    if (i === this.keys.length) this.keys.push(key);
    else this.keys.splice(i, 0, key);
  }

  delete(key: string): void {
    const i = this.lowerBound(key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  /** Keys >= from (or > from when exclusive), in order. Safe against inserts during iteration of later keys. */
  *from(from: string, exclusive = false): Generator<string> {
    let i = this.lowerBound(from);
    if (exclusive && this.keys[i] === from) i++;
    for (; i < this.keys.length; i++) yield this.keys[i]!;
  }

  /** Number of keys k with from <= k (or from < k when exclusive) and k < end. */
  countBetween(from: string, exclusive: boolean, end: string): number {
    let i = this.lowerBound(from);
    if (exclusive && this.keys[i] === from) i++;
    return Math.max(0, this.lowerBound(end) - i);
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
