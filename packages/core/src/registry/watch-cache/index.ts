export * from './event-ring.js';
export * from './watch-cache.js';
export * from './cache-reads.js';
