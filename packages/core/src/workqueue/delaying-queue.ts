import type { Clock, Timer } from '../clock/clock.js';
import type { DelayingQueue } from './interfaces.js';
import { type QueueOptions, WorkQueue } from './queue.js';

interface Waiting<T> {
  item: T;
  readyAt: number;
  seq: number;
}

export interface DelayingQueueOptions extends QueueOptions {
  clock: Clock;
}

/**
 * A work queue with addAfter: waiting items sit in a min-heap by deadline (the same item waiting
 * twice keeps the nearer deadline), and one Clock timer is armed for the earliest one.
 */
export class DelayingWorkQueue<T> extends WorkQueue<T> implements DelayingQueue<T> {
  protected readonly clock: Clock;
  private heap: Waiting<T>[] = [];
  private readonly waitingByItem = new Map<T, Waiting<T>>();
  private timer: Timer | undefined;
  private timerAt = Infinity;
  private seq = 0;

  constructor(opts: DelayingQueueOptions) {
    super(opts);
    this.clock = opts.clock;
  }

  addAfter(item: T, ms: number): void {
    if (this.shuttingDown()) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.waitingByItem.get(item);
    if (existing) {
      if (readyAt >= existing.readyAt) return;
      existing.readyAt = readyAt;
      this.heapify();
    } else {
      const entry = { item, readyAt, seq: this.seq++ };
      this.waitingByItem.set(item, entry);
      this.push(entry);
    }
    this.arm();
  }

  /** Items waiting for their deadline. */
  waiting(): number {
    return this.heap.length;
  }

  override shutDown(): void {
    this.timer?.stop();
    this.timer = undefined;
    this.timerAt = Infinity;
    this.heap = [];
    this.waitingByItem.clear();
    super.shutDown();
  }

  private arm(): void {
    const next = this.heap[0];
    if (!next || next.readyAt >= this.timerAt) return;
    this.timer?.stop();
    this.timerAt = next.readyAt;
    this.timer = this.clock.setTimer(next.readyAt - this.clock.now(), () => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.release();
    });
  }

  private release(): void {
    const now = this.clock.now();
    while (this.heap.length > 0 && this.heap[0]!.readyAt <= now) {
      const entry = this.pop()!;
      this.waitingByItem.delete(entry.item);
      this.add(entry.item);
    }
    this.arm();
  }

  private less(a: Waiting<T>, b: Waiting<T>): boolean {
    return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
  }

  private push(entry: Waiting<T>): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): Waiting<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  private heapify(): void {
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }
}

export function createDelayingQueue<T>(opts: DelayingQueueOptions): DelayingQueue<T> {
  return new DelayingWorkQueue<T>(opts);
}
