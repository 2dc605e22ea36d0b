import type { RateLimiter, RateLimitingQueue } from './interfaces.js';
import { type DelayingQueueOptions, DelayingWorkQueue } from './delaying-queue.js';
import { defaultControllerRateLimiter } from './rate-limiters.js';

export interface RateLimitingQueueOptions extends DelayingQueueOptions {
  rateLimiter?: RateLimiter<any>;
}

/** A delaying queue whose addRateLimited waits as long as the rate limiter says. */
export class RateLimitingWorkQueue<T> extends DelayingWorkQueue<T> implements RateLimitingQueue<T> {
  private readonly limiter: RateLimiter<T>;
  constructor(opts: RateLimitingQueueOptions) {
    super(opts);
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(opts.clock);
  }
  addRateLimited(item: T): void {
    this.addAfter(item, this.limiter.when(item));
  }
  forget(item: T): void {
    this.limiter.forget(item);
  }
  numRequeues(item: T): number {
    return this.limiter.numRequeues(item);
  }
}

export function createRateLimitingQueue<T>(opts: RateLimitingQueueOptions): RateLimitingQueue<T> {
  return new RateLimitingWorkQueue<T>(opts);
}
