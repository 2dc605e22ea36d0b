import type Database from 'better-sqlite3';
import {
  type Clock,
  CompactedError,
  FutureRevisionError,
  type KeyValue,
  type Logger,
  type RangeOptions,
  type RangeResult,
  RealClock,
  SortedKeys,
  type Store,
  type StoreWatch,
  type StoreWatchOptions,
  type Ticker,
  type WatchSink,
} from '@keelson/core';
import { applyBatch, type WriteOp } from './apply.js';
import { prefixEnd, rowToEvent, rowToKv } from './rows.js';
import { openDatabase, type Synchronous } from './schema.js';
import { type KeyBounds, Statements } from './statements.js';
import { WatchHub } from './watch-hub.js';
import { WriteBatcher } from './write-batcher.js';

export interface SqliteStoreOptions {
  /** The database file (its -wal file sits beside it). */
  file: string;
  clock?: Clock;
  log?: Logger;
  /** "full" (default) or "normal"; see OpenDatabaseOptions. */
  synchronous?: Synchronous;
  /** How often old revisions are compacted, in ms (default 5 minutes; 0 = only on demand). */
  compactIntervalMs?: number;
  /** Revisions of history a scheduled compaction keeps (default 10,000). */
  retainRevisions?: number;
  /** Most writes per transaction (default 256). */
  maxBatch?: number;
  /** Revisions compacted per transaction (default 1,000, as kine): bounds how long one blocks the loop. */
  compactChunk?: number;
}

const COMPACTED = 'compacted_revision';

/**
 * The durable Store on SQLite: kine's log table (one row per revision) in WAL mode. Writes are
 * group-committed (one transaction per batch, CAS checks inside it, acknowledged after commit);
 * reads are snapshot queries over the log; watches are fed from the log, then from commits.
 * One process owns the database (exclusive locking).
 */
export class SqliteStore implements Store {
  readonly name = 'sqlite';
  readonly file: string;
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly clock: Clock;
  private readonly log?: Logger;
  private readonly batcher: WriteBatcher<WriteOp, KeyValue>;
  private readonly hub: WatchHub;
  /** Keys whose newest row is not a tombstone, for positional counts. */
  private readonly live = new SortedKeys();
  private revision: number;
  private compacted: number;
  private compaction: Promise<void> = Promise.resolve();
  private readonly compactChunk: number;
  private readonly ticker?: Ticker;
  private closed = false;
  private readonly counters = { transactions: 0, writes: 0, refused: 0 };

  constructor(opts: SqliteStoreOptions) {
    this.file = opts.file;
    this.clock = opts.clock ?? new RealClock();
    this.log = opts.log;
    this.compactChunk = opts.compactChunk ?? 1_000;
    this.db = openDatabase(opts.file, { synchronous: opts.synchronous });
    this.sql = new Statements(this.db);
    this.compacted = this.sql.meta(COMPACTED) ?? 0;
    this.revision = Math.max(this.sql.sequence(), this.compacted);
    for (const name of this.sql.liveNames()) this.live.insert(name);
    this.batcher = new WriteBatcher((ops) => this.commit(ops), { maxBatch: opts.maxBatch });
    this.hub = new WatchHub(
      {
        replay: (after, upTo, from, end, limit) => this.sql.replay(after, upTo, from, end, limit).map(rowToEvent),
        revision: () => this.revision,
        compacted: () => this.compacted,
      },
      { clock: this.clock },
    );
    const interval = opts.compactIntervalMs ?? 5 * 60_000;
    const retain = opts.retainRevisions ?? 10_000;
    if (interval > 0) {
      this.ticker = this.clock.tick(interval, () => {
        const target = this.revision - retain;
        if (target > this.compacted && !this.closed) {
          this.compact(target).catch((err: unknown) => this.log?.warn('scheduled compaction failed', { error: String(err) }));
        }
      });
    }
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async get(key: string, opts: { revision?: number } = {}): Promise<KeyValue | undefined> {
    this.assertOpen();
    const rev = this.readRevision(opts.revision);
    const row = rev === this.revision ? this.sql.latest(key) : this.sql.atRevision(key, rev);
    return row && !row.deleted ? rowToKv(row) : undefined;
  }

  async range(opts: RangeOptions): Promise<RangeResult> {
    this.assertOpen();
    const rev = this.readRevision(opts.revision);
    const start = opts.startAfter !== undefined && opts.startAfter >= opts.prefix ? opts.startAfter : undefined;
    const bounds: KeyBounds = { from: start ?? opts.prefix, exclusive: start !== undefined, end: prefixEnd(opts.prefix) };
    const count = this.count(opts.prefix, bounds, rev);
    if (opts.countOnly) return { items: [], revision: rev, more: false, count };
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const rows = this.sql.range(bounds, rev, limit < 0 ? -1 : limit + 1);
    const more = limit >= 0 && rows.length > limit;
    if (more) rows.length = limit;
    return { items: rows.map(rowToKv), revision: rev, more, count };
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.write({ type: 'create', key, value });
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.write({ type: 'update', key, value, expected: expectedModRevision });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.write({ type: 'delete', key, expected: expectedModRevision });
  }

  async watch(opts: StoreWatchOptions, sink: WatchSink): Promise<StoreWatch> {
    this.assertOpen();
    return this.hub.add(opts, sink);
  }

  /** Compacts in chunks of revisions, one transaction each, yielding to the event loop between them. */
  compact(revision: number): Promise<void> {
    if (revision > this.revision) return Promise.reject(new FutureRevisionError(revision, this.revision));
    const run = this.compaction.then(async () => {
      while (this.compacted < revision && !this.closed) {
        const lo = this.compacted;
        const hi = Math.min(revision, lo + this.compactChunk);
        this.db.transaction(() => {
          this.sql.compactRange(lo, hi);
          this.sql.setMeta(COMPACTED, hi);
        })();
        this.compacted = hi;
        if (hi < revision) await new Promise((r) => setImmediate(r));
      }
    });
    this.compaction = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.ticker?.stop();
    await this.batcher.drain();
    this.closed = true;
    await this.compaction;
    this.hub.close();
    this.db.close();
  }

  /** Rows in the log (history included), for tests and metrics. */
  rowCount(): number {
    return this.sql.rowCount();
  }

  /** Write transactions committed, writes appended and writes refused (CAS) since open. */
  stats(): { transactions: number; writes: number; refused: number } {
    return { ...this.counters };
  }

  /** The better-sqlite3 handle, for inspection and tests; writing through it bypasses watches. */
  unsafeDatabase(): Database.Database {
    return this.db;
  }

  /** Number of live keys. */
  size(): number {
    return this.live.size;
  }

  private write(op: WriteOp): Promise<KeyValue> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return this.batcher.submit(op);
  }

  /** One transaction for a batch; memory state and watches follow only after it committed. */
  private commit(ops: WriteOp[]) {
    const { results, rows, revision } = this.db.transaction(() => applyBatch(this.sql, ops, this.revision))();
    this.revision = revision;
    this.counters.transactions++;
    this.counters.writes += rows.length;
    this.counters.refused += ops.length - rows.length;
    for (const row of rows) {
      if (row.deleted) this.live.delete(row.name);
      else if (row.created) this.live.insert(row.name);
    }
    if (rows.length) this.hub.publish(rows.map(rowToEvent));
    return results;
  }

  /**
   * Keys in range at `rev`. At the newest revision this is positional in the live-key index;
   * at a snapshot it is that figure corrected by the keys written since (a short walk of the
   * log's tail), so paging through a large list at a fixed revision stays cheap.
   */
  private count(prefix: string, b: KeyBounds, rev: number): number {
    let count = this.live.countBetween(b.from, b.exclusive, prefix + '\uffff');
    if (rev === this.revision) return count;
    const changed = this.sql.changedSince(b, rev);
    for (let i = 0; i < changed.length; ) {
      const first = changed[i]!;
      let j = i;
      while (j + 1 < changed.length && changed[j + 1]!.name === first.name) j++;
      const aliveThen = first.created ? 0 : 1;
      const aliveNow = changed[j]!.deleted ? 0 : 1;
      count += aliveThen - aliveNow;
      i = j + 1;
    }
    return count;
  }

  private readRevision(requested?: number): number {
    if (!requested) return this.revision;
    if (requested > this.revision) throw new FutureRevisionError(requested, this.revision);
    if (requested < this.compacted) throw new CompactedError(requested, this.compacted);
    return requested;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}
