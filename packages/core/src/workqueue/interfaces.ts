/**
 * Work queue contracts, as client-go's workqueue: a FIFO with a dirty set (an item queued twice
 * is processed once) and a processing set (an item is never handed to two workers at once;
 * re-added while processing, it is queued again when done() is called).
 */
export interface Queue<T> {
  add(item: T): void;
  /** Items waiting (not counting those being processed). */
  len(): number;
  /** Waits for the next item; resolves {shutdown: true} once the queue is shut down and drained. */
  get(): Promise<{ item: T; shutdown: false } | { item?: undefined; shutdown: true }>;
  /** Marks the item as processed; if it was re-added meanwhile, it is queued again. */
  done(item: T): void;
  /** Stops accepting items; pending get() calls resolve with shutdown. */
  shutDown(): void;
  /** Shuts down and resolves once every item being processed is done(). */
  shutDownWithDrain(): Promise<void>;
  shuttingDown(): boolean;
}

export interface DelayingQueue<T> extends Queue<T> {
  /** Adds the item after ms (immediately if ms <= 0); a nearer deadline for the same item wins. */
  addAfter(item: T, ms: number): void;
}

export interface RateLimiter<T> {
  /** The delay before the item should be retried, recording the retry. */
  when(item: T): number;
  /** Stops tracking the item (after a success). */
  forget(item: T): void;
  numRequeues(item: T): number;
}

export interface RateLimitingQueue<T> extends DelayingQueue<T> {
  addRateLimited(item: T): void;
  forget(item: T): void;
  numRequeues(item: T): number;
}
