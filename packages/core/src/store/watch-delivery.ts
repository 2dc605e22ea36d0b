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
