import type { KubeObject } from '@keelson/api';
import type { Logger } from '../log.js';
import type { DeleteInfo, ResourceEventHandler } from './interfaces.js';

/**
 * One registered handler with its own unbounded queue (client-go's processorListener): the
 * informer appends notifications, a pump delivers them one at a time, in order. A handler that
 * returns a promise is awaited before its next notification, so a slow handler only delays
 * itself. A handler that throws is logged and gets the next notification.
 */

export type Notification<T> =
  | { type: 'add'; obj: T; initial: boolean }
  | { type: 'update'; oldObj: T; newObj: T }
  | { type: 'delete'; obj: T; info: DeleteInfo }
  /** Marker: every notification of the initial list (or of the late-join replay) was delivered. */
  | { type: 'synced' };

/** Sync handlers are drained in batches of this many before yielding to the event loop. */
const batch = 1000;

export class ProcessorListener<T extends KubeObject> {
  private buf: (Notification<T> | undefined)[] = [];
  private head = 0;
  private pumping = false;
  private stopped = false;
  private synced = false;
  private resolveSynced!: () => void;
  /** Resolves when the 'synced' marker has been delivered (or the listener was removed). */
  readonly syncedPromise = new Promise<void>((r) => (this.resolveSynced = r));
  /** Resync bookkeeping (client-go's requestedResyncPeriod / nextResync). */
  nextResyncAt = 0;

  constructor(
    readonly handler: ResourceEventHandler<T>,
    readonly resyncPeriodMs: number,
    private readonly log: Logger,
  ) {}

  hasSynced(): boolean {
    return this.synced;
  }

  /** Notifications waiting to be delivered. */
  pending(): number {
    return this.buf.length - this.head;
  }

  push(n: Notification<T>): void {
    if (this.stopped) return;
    this.buf.push(n);
    if (!this.pumping) {
      this.pumping = true;
      queueMicrotask(() => void this.pump());
    }
  }

  stop(): void {
    this.stopped = true;
    this.buf = [];
    this.head = 0;
    this.resolveSynced();
  }

  private async pump(): Promise<void> {
    try {
      let sinceYield = 0;
      while (!this.stopped && this.head < this.buf.length) {
        const n = this.buf[this.head]!;
        this.buf[this.head++] = undefined;
        if (this.head > 4096 && this.head * 2 > this.buf.length) {
          this.buf = this.buf.slice(this.head);
          this.head = 0;
        }
        const result = this.deliver(n);
        if (result) {
          await result;
          sinceYield = 0;
        } else if (++sinceYield >= batch) {
          sinceYield = 0;
          await new Promise<void>((r) => setImmediate(r));
        }
      }
    } finally {
      this.pumping = false;
      if (this.head >= this.buf.length) {
        this.buf = [];
        this.head = 0;
      }
      // Only an unexpected throw leaves work behind: pick it up again.
      if (!this.stopped && this.head < this.buf.length) {
        this.pumping = true;
        queueMicrotask(() => void this.pump());
      }
    }
  }

  /** Calls the handler; returns a promise only when the handler did (and it is still pending). */
  private deliver(n: Notification<T>): Promise<void> | undefined {
    let r: unknown;
    try {
      switch (n.type) {
        case 'add':
          r = this.handler.onAdd?.(n.obj, n.initial);
          break;
        case 'update':
          r = this.handler.onUpdate?.(n.oldObj, n.newObj);
          break;
        case 'delete':
          r = this.handler.onDelete?.(n.obj, n.info);
          break;
        case 'synced':
          this.synced = true;
          this.resolveSynced();
          return undefined;
      }
    } catch (err) {
      this.fail(n, err);
      return undefined;
    }
    if (r && typeof (r as Promise<void>).then === 'function') {
      return (r as Promise<void>).then(
        () => undefined,
        (err: unknown) => this.fail(n, err),
      );
    }
    return undefined;
  }

  private fail(n: Notification<T>, err: unknown): void {
    this.log.error('event handler failed', { event: n.type, error: err instanceof Error ? err.message : String(err) });
  }
}
