import { MemoryStore } from '@keelson/core';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('memory', async () => ({ store: new MemoryStore() }));
