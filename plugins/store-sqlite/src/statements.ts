import type Database from 'better-sqlite3';
import type { KvRow, Row, RowData } from './rows.js';

/** Bounds of a key range: name >= from (or > from when exclusive) and name < end. */
export interface KeyBounds {
  from: string;
  exclusive: boolean;
  end: string;
}

/** A row to append (its id is the revision it gets). */
export type NewRow = RowData;

/** Every SQL statement the store runs, prepared once. */
export class Statements {
  private readonly latestStmt;
  private readonly atRevisionStmt;
  private readonly insertStmt;
  private readonly rangeInclusive;
  private readonly rangeExclusive;
  private readonly changedInclusive;
  private readonly changedExclusive;
  private readonly replayStmt;
  private readonly liveNamesStmt;
  private readonly sequenceStmt;
  private readonly metaGetStmt;
  private readonly metaSetStmt;
  private readonly deletePredecessorsStmt;
  private readonly deleteTombstonesStmt;
  private readonly rowCountStmt;

  constructor(db: Database.Database) {
    this.latestStmt = db.prepare<[string], Row>('SELECT * FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1');
    this.atRevisionStmt = db.prepare<[string, number], Row>('SELECT * FROM kine WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1');
    this.insertStmt = db.prepare<[NewRow]>(
      `INSERT INTO kine (id, name, created, deleted, create_revision, prev_revision, lease, value, old_value, version)
       VALUES (@id, @name, @created, @deleted, @create_revision, @prev_revision, 0, @value, @old_value, @version)`,
    );
    // The newest version at or below @rev of every key in the range, skipping deleted keys.
    const range = (op: string) =>
      db.prepare<{ from: string; end: string; rev: number; limit: number }, KvRow>(
        `SELECT kv.id, kv.name, kv.create_revision, kv.value, kv.version FROM kine AS kv
         WHERE kv.name ${op} @from AND kv.name < @end AND kv.id <= @rev AND kv.deleted = 0
           AND kv.id = (SELECT MAX(m.id) FROM kine AS m WHERE m.name = kv.name AND m.id <= @rev)
         ORDER BY kv.name LIMIT @limit`,
      );
    this.rangeInclusive = range('>=');
    this.rangeExclusive = range('>');
    // Rows written after @rev in the range, per key in revision order (to count a snapshot).
    const changed = (op: string) =>
      db.prepare<{ from: string; end: string; rev: number }, Pick<Row, 'name' | 'created' | 'deleted'>>(
        `SELECT name, created, deleted FROM kine WHERE id > @rev AND name ${op} @from AND name < @end ORDER BY name, id`,
      );
    this.changedInclusive = changed('>=');
    this.changedExclusive = changed('>');
    this.replayStmt = db.prepare<{ after: number; upTo: number; from: string; end: string; limit: number }, Row>(
      'SELECT * FROM kine WHERE id > @after AND id <= @upTo AND name >= @from AND name < @end ORDER BY id LIMIT @limit',
    );
    this.liveNamesStmt = db
      .prepare<[], string>(
        `SELECT kv.name FROM kine AS kv
         WHERE kv.deleted = 0 AND kv.id = (SELECT MAX(m.id) FROM kine AS m WHERE m.name = kv.name)
         ORDER BY kv.name`,
      )
      .pluck();
    this.sequenceStmt = db.prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'kine'").pluck();
    this.metaGetStmt = db.prepare<[string], number>('SELECT value FROM keelson_meta WHERE key = ?').pluck();
    this.metaSetStmt = db.prepare<[string, number]>('INSERT INTO keelson_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    // kine's compaction: every row at or below the compacted revision supersedes its predecessor,
    // and tombstones at or below it are no longer visible to any readable snapshot.
    this.deletePredecessorsStmt = db.prepare<{ lo: number; hi: number }>(
      'DELETE FROM kine WHERE id IN (SELECT prev_revision FROM kine WHERE id > @lo AND id <= @hi AND prev_revision != 0)',
    );
    this.deleteTombstonesStmt = db.prepare<{ lo: number; hi: number }>('DELETE FROM kine WHERE id > @lo AND id <= @hi AND deleted = 1');
    this.rowCountStmt = db.prepare<[], number>('SELECT count(*) FROM kine').pluck();
  }

  latest(name: string): Row | undefined {
    return this.latestStmt.get(name);
  }

  atRevision(name: string, rev: number): Row | undefined {
    return this.atRevisionStmt.get(name, rev);
  }

  insert(row: NewRow): void {
    this.insertStmt.run(row);
  }

  /** Live keys at `rev` in the bounds, in key order; limit < 0 = no limit. */
  range(b: KeyBounds, rev: number, limit: number): KvRow[] {
    return (b.exclusive ? this.rangeExclusive : this.rangeInclusive).all({ from: b.from, end: b.end, rev, limit });
  }

  /** Rows written after `rev` in the bounds, grouped by key, oldest first within a key. */
  changedSince(b: KeyBounds, rev: number): Pick<Row, 'name' | 'created' | 'deleted'>[] {
    return (b.exclusive ? this.changedExclusive : this.changedInclusive).all({ from: b.from, end: b.end, rev });
  }

  /** Rows with after < id <= upTo whose key starts with the prefix bounds, in revision order. */
  replay(after: number, upTo: number, from: string, end: string, limit: number): Row[] {
    return this.replayStmt.all({ after, upTo, from, end, limit });
  }

  liveNames(): string[] {
    return this.liveNamesStmt.all();
  }

  /** The highest revision ever written (0 for a new database). */
  sequence(): number {
    return this.sequenceStmt.get() ?? 0;
  }

  meta(key: string): number | undefined {
    return this.metaGetStmt.get(key);
  }

  setMeta(key: string, value: number): void {
    this.metaSetStmt.run(key, value);
  }

  /** Deletes the history that compacting (lo, hi] makes unreachable. */
  compactRange(lo: number, hi: number): void {
    this.deletePredecessorsStmt.run({ lo, hi });
    this.deleteTombstonesStmt.run({ lo, hi });
  }

  rowCount(): number {
    return this.rowCountStmt.get()!;
  }
}
