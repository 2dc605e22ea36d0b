import Database from 'better-sqlite3';

export type Synchronous = 'full' | 'normal';

export interface OpenDatabaseOptions {
  /**
   * "full" (default): every commit fsyncs the WAL, so an acknowledged write survives a power
   * loss. "normal": commits reach the OS (they survive a crash of the process, e.g. SIGKILL) and
   * the WAL is fsynced at checkpoints only, so a power loss may lose the last commits.
   */
  synchronous?: Synchronous;
}

/** Schema version kept in PRAGMA user_version. */
export const SCHEMA_VERSION = 1;

/**
 * kine's log table: one row per revision (id), the key (name), created/deleted flags, the
 * create and previous revisions, a lease, the value and the previous value (so a watch event
 * carries prevKv without a join). `version` (writes since creation) is Keelson's addition: the
 * Store contract reports it, and it cannot be recomputed once history is compacted.
 * AUTOINCREMENT keeps the highest id ever used in sqlite_sequence, so revisions never go back,
 * even when compaction deletes the newest row (a tombstone).
 */
const DDL = `
CREATE TABLE IF NOT EXISTS kine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  lease INTEGER NOT NULL DEFAULT 0,
  value BLOB,
  old_value BLOB,
  version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name);
CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name, id);
CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id, deleted);
CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision);
CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision);
CREATE TABLE IF NOT EXISTS keelson_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

export class DatabaseLockedError extends Error {
  override readonly name = 'DatabaseLockedError';
}

/**
 * Opens (creating if needed) the database file in WAL mode with exclusive locking: one process
 * owns the store (its watches are fed from its own commits), and a second `keelson up` on the
 * same directory fails at once instead of writing behind the first one's back.
 */
export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Database.Database {
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    // Take the lock now (the first read does), so a second owner fails here, not later.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`${file}: schema version ${version} is newer than this keelson (${SCHEMA_VERSION})`);
    db.exec(DDL);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return db;
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DatabaseLockedError(`${file} is in use by another process (one keelson process owns a SQLite store)`, { cause: err });
    }
    throw err;
  }
}
