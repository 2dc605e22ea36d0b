export * from './store.js';
export * from './memory-store.js';
export * from './memory-backend.js';
export { SortedKeys } from './sorted-keys.js';
export { deliverPending, type FlushedWatcher, type PendingDelivery, WatchFlusher } from './watch-delivery.js';
