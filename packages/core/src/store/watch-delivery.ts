import type { StoreEvent, WatchSink } from './store.js';

/** What a store backend's watch hub keeps per watcher between deliveries. */
export interface PendingDelivery {
  readonly sink: WatchSink;
  /** Events queued since the last delivery, in revision order. */
  pending: StoreEvent[];
  /** Set when events went out since the last progress tick (no progress notification is owed). */
  sentSinceTick: boolean;
}

/**
 * Hands a watcher its queued events as one batch. A sink that throws gets the error through
 * `sink.error` instead of breaking the delivery to the other watchers. Shared by the watch hubs
 * of the memory, SQLite and etcd stores.
 */
export function deliverPending(w: PendingDelivery): void {
  if (!w.pending.length) return;
  const batch = w.pending;
  w.pending = [];
  w.sentSinceTick = true;
  try {
    w.sink.events(batch);
  } catch (err) {
    w.sink.error?.(err instanceof Error ? err : new Error(String(err)));
  }
}

/** A watcher as the delivery shell sees it. */
export interface FlushedWatcher extends PendingDelivery {
  readonly stopped: boolean;
}

/**
 * The delivery shell of a store's watch hub. `schedule()`, called whenever events were queued or
 * a progress notification was asked for, runs one flush in a microtask however often it is called
 * in one synchronous step. The flush hands every running watcher its pending events
 * (deliverPending), then, if the watcher is still running, the progress notification it is owed:
 * `progressDue(w)` returns that revision (and clears the debt) or undefined when none is owed.
 */
export class WatchFlusher<W extends FlushedWatcher> {
  private scheduled = false;

  constructor(
    private readonly watchers: Iterable<W>,
    private readonly progressDue: (w: W) => number | undefined,
  ) {}

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (const w of this.watchers) {
        if (w.stopped) continue;
        deliverPending(w);
        if (w.stopped) continue;
        const revision = this.progressDue(w);
        if (revision !== undefined) w.sink.progress?.(revision);
      }
    });
  }
}
