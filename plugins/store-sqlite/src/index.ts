import { definePlugin } from '@keelson/api';
import { sqliteStoreBackend } from './backend.js';

export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { sqliteStoreBackend, parseSqliteUrl, SqliteUrlError, DATABASE_FILE, type SqliteUrl } from './backend.js';
export { DatabaseLockedError, type Synchronous } from './schema.js';

/** The embedded, durable store: contributes the "sqlite" store backend. */
export default definePlugin({
  name: 'store-sqlite',
  storeBackends: [sqliteStoreBackend],
});
