import type { Queue } from './interfaces.js';

/** Hooks for queue metrics (depth, adds, latency, work duration); no-ops by default. */
export interface QueueMetrics {
  add?(): void;
  get?(queuedMs: number): void;
  done?(workMs: number): void;
  depth?(n: number): void;
  retry?(): void;
}

export interface QueueOptions {
  name?: string;
  metrics?: QueueMetrics;
  /** Time source for metrics (ms); defaults to performance.now. */
  now?: () => number;
}

/**
 * client-go's work queue: a FIFO plus a dirty set (an item added twice while waiting is handed
 * out once) and a processing set (an item is never handed to two workers at once; added again
 * while being processed, it is queued once more when done() is called).
 */
export class WorkQueue<T> implements Queue<T> {
  protected readonly name: string;
  private items: (T | undefined)[] = [];
  private head = 0;
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly addedAt = new Map<T, number>();
  private readonly startedAt = new Map<T, number>();
  private waiters: ((r: { item: T; shutdown: false } | { shutdown: true }) => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private shutdownFlag = false;
  private readonly metrics: QueueMetrics;
  private readonly now: () => number;

  constructor(opts: QueueOptions = {}) {
    this.name = opts.name ?? '';
    this.metrics = opts.metrics ?? {};
    this.now = opts.now ?? (() => performance.now());
  }

  add(item: T): void {
    if (this.shutdownFlag || this.dirty.has(item)) return;
    this.metrics.add?.();
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.enqueue(item);
  }

  len(): number {
    return this.items.length - this.head;
  }

  get(): Promise<{ item: T; shutdown: false } | { item?: undefined; shutdown: true }> {
    if (this.len() > 0) return Promise.resolve({ item: this.take(), shutdown: false });
    if (this.shutdownFlag) return Promise.resolve({ shutdown: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(item: T): void {
    const started = this.startedAt.get(item);
    if (started !== undefined) {
      this.metrics.done?.(this.now() - started);
      this.startedAt.delete(item);
    }
    this.processing.delete(item);
    if (this.dirty.has(item)) this.enqueue(item);
    else if (this.processing.size === 0) this.notifyDrained();
  }

  shutDown(): void {
    this.shutdownFlag = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w({ shutdown: true });
  }

  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  shuttingDown(): boolean {
    return this.shutdownFlag;
  }

  private enqueue(item: T): void {
    this.addedAt.set(item, this.now());
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter({ item: this.begin(item), shutdown: false });
      return;
    }
    this.items.push(item);
    this.metrics.depth?.(this.len());
  }

  private take(): T {
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head++;
    // Compact the backing array once the consumed prefix dominates (amortised O(1) per get).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.metrics.depth?.(this.len());
    return this.begin(item);
  }

  private begin(item: T): T {
    this.processing.add(item);
    this.dirty.delete(item);
    const added = this.addedAt.get(item);
    if (added !== undefined) {
      this.metrics.get?.(this.now() - added);
      this.addedAt.delete(item);
    }
    this.startedAt.set(item, this.now());
    return item;
  }

  private notifyDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}

export function createQueue<T>(opts?: QueueOptions): Queue<T> {
  return new WorkQueue<T>(opts);
}
