import type { StoreBackend } from '../plugins/contribution-points.js';
import { MemoryStore } from './memory-store.js';

/** The "memory" store backend: nothing survives the process (tests, throw-away clusters). */
export const memoryStoreBackend: StoreBackend = {
  scheme: 'memory',
  async open(_url, ctx) {
    return new MemoryStore({ clock: ctx.clock });
  },
};
