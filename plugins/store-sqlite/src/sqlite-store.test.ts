import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactedError, FakeClock, FutureRevisionError, KeyExistsError, type StoreEvent } from '@keelson/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseLockedError } from './schema.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

const dirs: string[] = [];
const open: SqliteStore[] = [];

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-sqlite-'));
  dirs.push(dir);
  return join(dir, 'keelson.db');
}

function openStore(file: string, opts: Partial<SqliteStoreOptions> = {}): SqliteStore {
  const store = new SqliteStore({ file, compactIntervalMs: 0, ...opts });
  open.push(store);
  return store;
}

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Watches a prefix and resolves `until(n)` once n events arrived. */
function recorder(store: SqliteStore, prefix: string, afterRevision: number) {
  const events: StoreEvent[] = [];
  const errors: Error[] = [];
  const started = store.watch({ prefix, afterRevision }, { events: (es) => events.push(...es), error: (e) => errors.push(e) });
  return {
    events,
    errors,
    started,
    async until(n: number): Promise<void> {
      const deadline = Date.now() + 5000;
      while (events.length < n && errors.length === 0) {
        if (Date.now() > deadline) throw new Error(`got ${events.length} of ${n} events`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

describe('SqliteStore across restarts', () => {
  it('keeps every object with its revisions, and keeps counting revisions upwards', async () => {
    const file = tempFile();
    const a = openStore(file);
    const written = new Map<string, Awaited<ReturnType<SqliteStore['create']>>>();
    for (let i = 0; i < 50; i++) written.set(`/r/k${i}`, await a.create(`/r/k${i}`, `v${i}`));
    written.set('/r/k0', await a.update('/r/k0', 'v0b', written.get('/r/k0')!.modRevision));
    await a.delete('/r/k1');
    written.delete('/r/k1');
    const last = await a.currentRevision();
    await a.close();

    const b = openStore(file);
    expect(await b.currentRevision()).toBe(last);
    const all = await b.range({ prefix: '/r/' });
    expect(all.count).toBe(49);
    expect(new Map(all.items.map((kv) => [kv.key, kv]))).toEqual(written);
    expect((await b.get('/r/k0'))!.version).toBe(2);
    await expect(b.create('/r/k2', 'again')).rejects.toBeInstanceOf(KeyExistsError);
    const next = await b.create('/r/k1', 'reborn');
    expect(next.modRevision).toBeGreaterThan(last);
  });

  it('never reuses a revision, even when compaction removed the newest rows', async () => {
    const file = tempFile();
    const a = openStore(file);
    const kv = await a.create('/r/x', '1');
    const del = await a.delete('/r/x', kv.modRevision);
    await a.compact(del.modRevision);
    expect(a.rowCount()).toBe(0);
    await a.close();
    const b = openStore(file);
    expect(await b.currentRevision()).toBe(del.modRevision);
    expect(await b.compactedRevision()).toBe(del.modRevision);
    expect((await b.create('/r/x', '2')).modRevision).toBe(del.modRevision + 1);
  });

  it('resumes a watch after a restart from the last seen revision without missing or repeating anything', async () => {
    const file = tempFile();
    const a = openStore(file);
    const w1 = recorder(a, '/w/', 0);
    await w1.started;
    let cur = await a.create('/w/a', '0');
    for (let i = 1; i <= 20; i++) cur = await a.update('/w/a', String(i), cur.modRevision);
    await w1.until(21);
    const lastSeen = w1.events[w1.events.length - 1]!.kv.modRevision;
    // Writes the first watcher will never see: they happen while "the client is away".
    cur = await a.update('/w/a', 'while-away', cur.modRevision);
    await a.create('/w/b', 'while-away');
    await a.close();

    const b = openStore(file);
    const w2 = recorder(b, '/w/', lastSeen);
    await w2.started;
    await b.update('/w/a', 'after-restart', cur.modRevision);
    await w2.until(3);
    const seen = [...w1.events.slice(0, 21), ...w2.events].map((e) => e.kv.modRevision);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBe(seen[i - 1]! + 1);
    expect(w2.events.map((e) => e.kv.value)).toEqual(['while-away', 'while-away', 'after-restart']);
    expect(w2.events[0]!.prevKv?.value).toBe('20');
  });

  it('lets only one process (or connection) own a database', async () => {
    const file = tempFile();
    openStore(file);
    expect(() => new SqliteStore({ file, compactIntervalMs: 0 })).toThrow(DatabaseLockedError);
  });
});

describe('SqliteStore watch replay', () => {
  it('replays a long history in pages while writes go on, then goes live without a gap or a repeat', async () => {
    const store = openStore(tempFile(), { synchronous: 'normal' });
    await Promise.all(Array.from({ length: 3000 }, (_, i) => store.create(`/h/old-${i}`, 'x')));
    const w = recorder(store, '/h/', 0);
    await w.started;
    expect(w.events.length).toBeLessThan(3000);
    const writes = Array.from({ length: 500 }, (_, i) => store.create(`/h/new-${i}`, 'y'));
    await Promise.all(writes);
    await w.until(3500);
    const revs = w.events.map((e) => e.kv.modRevision);
    expect(revs).toEqual(Array.from({ length: 3500 }, (_, i) => i + 1));
  });
});

describe('SqliteStore future revisions', () => {
  it('refuses reads and compaction beyond the current revision; a watch from the future starts after it', async () => {
    const store = openStore(tempFile());
    await store.create('/u/a', '1');
    const rev = await store.currentRevision();
    await expect(store.get('/u/a', { revision: rev + 1 })).rejects.toBeInstanceOf(FutureRevisionError);
    await expect(store.range({ prefix: '/u/', revision: rev + 1 })).rejects.toBeInstanceOf(FutureRevisionError);
    await expect(store.compact(rev + 1)).rejects.toBeInstanceOf(FutureRevisionError);
    const w = recorder(store, '/u/', rev + 2);
    await w.started;
    await store.create('/u/b', '1');
    await store.create('/u/c', '1');
    await store.create('/u/d', '1');
    await w.until(1);
    expect(w.events.map((e) => e.kv.key)).toEqual(['/u/d']);
  });
});

describe('SqliteStore compaction', () => {
  it('bounds the table: history at or below the compacted revision is deleted', async () => {
    const store = openStore(tempFile(), { compactChunk: 100 });
    const revs = new Map<string, number>();
    for (let i = 0; i < 20; i++) revs.set(`/c/${i}`, (await store.create(`/c/${i}`, '0')).modRevision);
    for (let round = 1; round <= 50; round++) {
      await Promise.all([...revs].map(async ([k, r]) => revs.set(k, (await store.update(k, String(round), r)).modRevision)));
    }
    for (let i = 0; i < 5; i++) await store.delete(`/c/${i}`);
    expect(store.rowCount()).toBe(20 + 20 * 50 + 5);
    const snapshot = await store.currentRevision();
    await store.compact(snapshot);
    expect(store.rowCount()).toBe(15);
    expect((await store.range({ prefix: '/c/', revision: snapshot })).count).toBe(15);
    await expect(store.get('/c/7', { revision: snapshot - 1 })).rejects.toBeInstanceOf(CompactedError);
    const watchErr = await store.watch({ prefix: '/c/', afterRevision: snapshot - 1 }, { events: () => {} }).catch((e: unknown) => e);
    expect(watchErr).toBeInstanceOf(CompactedError);
  });

  it('compacts on the Clock, keeping the configured number of revisions', async () => {
    const clock = new FakeClock();
    const store = openStore(tempFile(), { clock, compactIntervalMs: 60_000, retainRevisions: 10 });
    let kv = await store.create('/s/a', '0');
    for (let i = 1; i < 100; i++) kv = await store.update('/s/a', String(i), kv.modRevision);
    await clock.advance(59_000);
    expect(await store.compactedRevision()).toBe(0);
    await clock.advance(1_000);
    await new Promise((r) => setTimeout(r, 10));
    expect(await store.compactedRevision()).toBe(90);
    expect(store.rowCount()).toBe(11);
    expect((await store.get('/s/a', { revision: 90 }))!.value).toBe('89');
  });

  it('fails a watch still replaying history that compaction overtakes', async () => {
    // One compaction step covers what the replay has not read yet.
    const store = openStore(tempFile(), { compactChunk: 10_000 });
    let kv = await store.create('/o/a', '0');
    for (let i = 1; i < 3000; i++) kv = await store.update('/o/a', String(i), kv.modRevision);
    const w = recorder(store, '/o/', 0);
    await w.started;
    await store.compact(2500);
    await w.until(3000);
    expect(w.errors[0]).toBeInstanceOf(CompactedError);
    expect(w.events.length).toBeLessThan(3000);
  });
});

describe('SqliteStore group commit', () => {
  it('commits concurrent writes in few transactions, each checked in order', async () => {
    const store = openStore(tempFile());
    const before = store.stats().transactions;
    const kvs = await Promise.all(Array.from({ length: 100 }, (_, i) => store.create(`/g/${i}`, 'x')));
    expect(store.stats().transactions - before).toBeLessThanOrEqual(2);
    const revs = kvs.map((kv) => kv.modRevision);
    expect(new Set(revs).size).toBe(100);
    // Two creates of one key in one batch: the second sees the first.
    const both = await Promise.allSettled([store.create('/g/dup', '1'), store.create('/g/dup', '2')]);
    expect(both.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('acknowledges nothing of a batch whose transaction fails', async () => {
    const store = openStore(tempFile());
    await store.create('/f/before', 'x');
    const rev = await store.currentRevision();
    store.unsafeDatabase().exec(`CREATE TRIGGER poison BEFORE INSERT ON kine WHEN NEW.name = '/f/poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END`);
    const events: StoreEvent[] = [];
    await store.watch({ prefix: '/f/', afterRevision: rev }, { events: (es) => events.push(...es) });
    const results = await Promise.allSettled([store.create('/f/ok', 'x'), store.create('/f/poison', 'x')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await store.currentRevision()).toBe(rev);
    expect(await store.get('/f/ok')).toBeUndefined();
    const after = await store.create('/f/ok', 'y');
    expect(after.modRevision).toBe(rev + 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => e.kv.value)).toEqual(['y']);
  });
});
