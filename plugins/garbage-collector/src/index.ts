import { definePlugin } from '@keelson/api';
import { garbageCollector } from './collector.js';

export { garbageCollector } from './collector.js';
export { OwnershipGraph } from './graph.js';

/** Garbage collection by ownerReferences: background, foreground and orphan propagation. */
export default definePlugin({
  name: 'garbage-collector',
  dependsOn: ['core'],
  runnables: [garbageCollector],
});
