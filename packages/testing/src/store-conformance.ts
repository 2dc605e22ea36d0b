import { CompactedError, KeyExistsError, KeyNotFoundError, type KeyValue, RevisionMismatchError, type Store, type StoreEvent } from '@keelson/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export interface StoreConformanceOptions {
  /** How long to wait for asynchronous watch events (default 5 s). */
  watchTimeoutMs?: number;
}

let prefixSeq = 0;

/**
 * The conformance suite every Store backend must pass. It only uses the Store interface, gives
 * each test its own key prefix (so a shared external backend works), and waits for watch events
 * with a bound instead of sleeping.
 */
export function describeStoreConformance(
  name: string,
  open: () => Promise<{ store: Store; cleanup?: () => Promise<void> }>,
  opts: StoreConformanceOptions = {},
): void {
  const timeout = opts.watchTimeoutMs ?? 5000;
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    let cleanup: (() => Promise<void>) | undefined;
    const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
    const fresh = () => `/conformance/${run}/${++prefixSeq}/`;

    beforeAll(async () => {
      ({ store, cleanup } = await open());
    });
    afterAll(async () => {
      await cleanup?.();
    });

    /** Collects watch events until `until` holds. */
    function collect(prefix: string, afterRevision: number) {
      const events: StoreEvent[] = [];
      const progress: number[] = [];
      let wake: (() => void) | undefined;
      const started = store.watch(
        { prefix, afterRevision },
        {
          events: (es) => {
            events.push(...es);
            wake?.();
          },
          progress: (r) => {
            progress.push(r);
            wake?.();
          },
        },
      );
      return {
        events,
        progress,
        started,
        async until(check: () => boolean): Promise<void> {
          const deadline = Date.now() + timeout;
          while (!check()) {
            if (Date.now() > deadline) throw new Error(`watch: condition not met after ${timeout} ms; got ${events.length} events`);
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, 20);
            });
          }
        },
      };
    }

    describe('writes and reads', () => {
      it('creates, gets, and refuses a second create', async () => {
        const p = fresh();
        const before = await store.currentRevision();
        const kv = await store.create(`${p}a`, 'v1');
        expect(kv).toMatchObject({ key: `${p}a`, value: 'v1', version: 1 });
        expect(kv.modRevision).toBeGreaterThan(before);
        expect(kv.createRevision).toBe(kv.modRevision);
        expect(await store.get(`${p}a`)).toEqual(kv);
        await expect(store.create(`${p}a`, 'v2')).rejects.toBeInstanceOf(KeyExistsError);
        expect(await store.get(`${p}missing`)).toBeUndefined();
      });

      it('updates by compare-and-swap', async () => {
        const p = fresh();
        const a = await store.create(`${p}a`, 'v1');
        const b = await store.update(`${p}a`, 'v2', a.modRevision);
        expect(b).toMatchObject({ value: 'v2', version: 2, createRevision: a.createRevision });
        expect(b.modRevision).toBeGreaterThan(a.modRevision);
        const err = await store.update(`${p}a`, 'v3', a.modRevision).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RevisionMismatchError);
        expect((err as RevisionMismatchError).current).toEqual(b);
        await expect(store.update(`${p}none`, 'x', 1)).rejects.toBeInstanceOf(KeyNotFoundError);
      });

      it('deletes with and without an expected revision, then allows re-creation', async () => {
        const p = fresh();
        const a = await store.create(`${p}a`, 'v1');
        await expect(store.delete(`${p}a`, a.modRevision + 1000)).rejects.toBeInstanceOf(RevisionMismatchError);
        const d = await store.delete(`${p}a`, a.modRevision);
        expect(d.value).toBe('v1');
        expect(d.modRevision).toBeGreaterThan(a.modRevision);
        expect(await store.get(`${p}a`)).toBeUndefined();
        await expect(store.delete(`${p}a`)).rejects.toBeInstanceOf(KeyNotFoundError);
        const again = await store.create(`${p}a`, 'v2');
        expect(again.version).toBe(1);
        expect(again.createRevision).toBe(again.modRevision);
        await store.delete(`${p}a`);
        expect(await store.get(`${p}a`)).toBeUndefined();
      });

      it('gives every write a strictly greater global revision', async () => {
        const p = fresh();
        const revs: number[] = [];
        for (let i = 0; i < 10; i++) revs.push((await store.create(`${p}k${i}`, 'x')).modRevision);
        revs.push((await store.update(`${p}k0`, 'y', revs[0]!)).modRevision);
        revs.push((await store.delete(`${p}k1`)).modRevision);
        for (let i = 1; i < revs.length; i++) expect(revs[i]!).toBeGreaterThan(revs[i - 1]!);
        expect(await store.currentRevision()).toBeGreaterThanOrEqual(revs[revs.length - 1]!);
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of 50 concurrent CAS updates win', async () => {
        const p = fresh();
        const a = await store.create(`${p}c`, '0');
        const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => store.update(`${p}c`, String(i), a.modRevision)));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RevisionMismatchError);
      });

      it('ends 20 concurrent read-modify-write loops at the exact total', async () => {
        const p = fresh();
        await store.create(`${p}n`, '0');
        const increment = async () => {
          for (let i = 0; i < 5; i++) {
            for (;;) {
              const cur = (await store.get(`${p}n`))!;
              try {
                await store.update(`${p}n`, String(Number(cur.value) + 1), cur.modRevision);
                break;
              } catch (e) {
                if (!(e instanceof RevisionMismatchError)) throw e;
              }
            }
          }
        };
        await Promise.all(Array.from({ length: 20 }, increment));
        expect((await store.get(`${p}n`))!.value).toBe('100');
      });
    });

    describe('range', () => {
      it('isolates prefixes and orders by key', async () => {
        const p = fresh();
        for (const k of ['a/2', 'a/1', 'ab/1', 'a/3']) await store.create(`${p}${k}`, k);
        const r = await store.range({ prefix: `${p}a/` });
        expect(r.items.map((i) => i.value)).toEqual(['a/1', 'a/2', 'a/3']);
        expect(r.count).toBe(3);
        expect(r.more).toBe(false);
        expect(r.revision).toBeGreaterThanOrEqual(r.items[2]!.modRevision);
      });

      it('pages through 1000 keys with limit and startAfter', async () => {
        const p = fresh();
        await Promise.all(Array.from({ length: 1000 }, (_, i) => store.create(`${p}${String(i).padStart(4, '0')}`, String(i))));
        const seen: string[] = [];
        let startAfter: string | undefined;
        let pages = 0;
        for (;;) {
          const page = await store.range({ prefix: p, limit: 128, startAfter });
          pages++;
          seen.push(...page.items.map((i) => i.value));
          if (!page.more) break;
          expect(page.items).toHaveLength(128);
          startAfter = page.items[page.items.length - 1]!.key;
        }
        expect(pages).toBe(8);
        expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
        const counted = await store.range({ prefix: p, countOnly: true });
        expect(counted.count).toBe(1000);
        expect(counted.items).toHaveLength(0);
        const first = await store.range({ prefix: p, limit: 10 });
        expect(first.count).toBe(1000);
        expect(first.more).toBe(true);
        // Counts skip deleted keys, also from a start key, and snapshots keep their own count.
        const before = await store.currentRevision();
        for (let i = 0; i < 1000; i += 100) await store.delete(`${p}${String(i).padStart(4, '0')}`);
        expect((await store.range({ prefix: p, countOnly: true })).count).toBe(990);
        expect((await store.range({ prefix: p, limit: 5, startAfter: `${p}0499` })).count).toBe(495);
        expect((await store.range({ prefix: p, countOnly: true, revision: before })).count).toBe(1000);
        const tail = await store.range({ prefix: p, startAfter: `${p}0989` });
        expect(tail.items.map((i) => i.value)).toEqual(['990', '991', '992', '993', '994', '995', '996', '997', '998', '999']);
        expect(tail.more).toBe(false);
      });

      it('reads a consistent snapshot at an older revision', async () => {
        const p = fresh();
        const a = await store.create(`${p}a`, 'a1');
        await store.create(`${p}b`, 'b1');
        const snap = await store.currentRevision();
        await store.update(`${p}a`, 'a2', a.modRevision);
        await store.delete(`${p}b`);
        await store.create(`${p}c`, 'c1');
        const old = await store.range({ prefix: p, revision: snap });
        expect(old.items.map((i) => i.value)).toEqual(['a1', 'b1']);
        expect(old.revision).toBe(snap);
        expect((await store.get(`${p}a`, { revision: snap }))!.value).toBe('a1');
        const now = await store.range({ prefix: p });
        expect(now.items.map((i) => i.value)).toEqual(['a2', 'c1']);
      });
    });

    describe('watch', () => {
      it('replays history after a revision in order, with prevKv, then goes live', async () => {
        const p = fresh();
        const start = await store.currentRevision();
        const a = await store.create(`${p}a`, '1');
        await store.update(`${p}a`, '2', a.modRevision);
        await store.create(`${p}b`, '1');
        await store.delete(`${p}a`);
        const w = collect(p, start);
        const handle = await w.started;
        await w.until(() => w.events.length >= 4);
        await store.create(`${p}c`, '1');
        await w.until(() => w.events.length >= 5);
        handle.stop();
        expect(w.events.map((e) => `${e.type} ${e.kv.key.slice(p.length)} ${e.kv.value}`)).toEqual(['put a 1', 'put a 2', 'put b 1', 'delete a 2', 'put c 1']);
        expect(w.events[1]!.prevKv?.value).toBe('1');
        expect(w.events[3]!.prevKv?.value).toBe('2');
        for (let i = 1; i < w.events.length; i++) expect(w.events[i]!.kv.modRevision).toBeGreaterThan(w.events[i - 1]!.kv.modRevision);
      });

      it('delivers only its prefix, identically to many watchers, and stops', async () => {
        const p = fresh();
        const start = await store.currentRevision();
        const watchers = Array.from({ length: 5 }, () => collect(`${p}in/`, start));
        const handles = await Promise.all(watchers.map((w) => w.started));
        for (let i = 0; i < 20; i++) {
          await store.create(`${p}in/${i}`, String(i));
          await store.create(`${p}out/${i}`, String(i));
        }
        for (const w of watchers) await w.until(() => w.events.length >= 20);
        const seq = (w: (typeof watchers)[0]) => w.events.map((e) => `${e.kv.key}@${e.kv.modRevision}`).join(',');
        for (const w of watchers) {
          expect(w.events).toHaveLength(20);
          expect(seq(w)).toBe(seq(watchers[0]!));
        }
        handles[0]!.stop();
        const count = watchers[0]!.events.length;
        await store.create(`${p}in/late`, 'x');
        await watchers[1]!.until(() => watchers[1]!.events.length >= 21);
        expect(watchers[0]!.events.length).toBe(count);
        for (const h of handles.slice(1)) h.stop();
      });

      it('misses nothing while writes race with the start of the watch', async () => {
        const p = fresh();
        const start = await store.currentRevision();
        const writes = (async () => {
          for (let i = 0; i < 100; i++) await store.create(`${p}${String(i).padStart(3, '0')}`, 'x');
        })();
        const w = collect(p, start);
        const handle = await w.started;
        await writes;
        await w.until(() => w.events.length >= 100);
        handle.stop();
        expect(w.events.map((e) => e.kv.key)).toEqual(Array.from({ length: 100 }, (_, i) => `${p}${String(i).padStart(3, '0')}`));
      });
    });

    describe('watch from the past', () => {
      it('replays history for a late watch from an old revision while writes continue, then joins live', async () => {
        const p = fresh();
        const start = await store.currentRevision();
        const early = collect(p, start);
        const earlyHandle = await early.started;
        const key = (i: number) => `${p}${String(i).padStart(3, '0')}`;
        for (let i = 0; i < 60; i++) await store.create(key(i), String(i));
        await early.until(() => early.events.length >= 60);
        const late = collect(p, start);
        const writes = (async () => {
          for (let i = 60; i < 120; i++) await store.create(key(i), String(i));
        })();
        const lateHandle = await late.started;
        await writes;
        await late.until(() => late.events.length >= 120);
        await early.until(() => early.events.length >= 120);
        earlyHandle.stop();
        lateHandle.stop();
        const expected = Array.from({ length: 120 }, (_, i) => key(i));
        expect(late.events.map((e) => e.kv.key)).toEqual(expected);
        expect(early.events.map((e) => e.kv.key)).toEqual(expected);
      });
    });

    describe('progress requests', () => {
      it('answers requestProgress with a revision at least the current one, after the events before it', async (ctx) => {
        const p = fresh();
        const start = await store.currentRevision();
        const seenAtProgress: number[] = [];
        const events: StoreEvent[] = [];
        const progress: number[] = [];
        const handle = await store.watch(
          { prefix: p, afterRevision: start },
          {
            events: (es) => events.push(...es),
            progress: (r) => {
              progress.push(r);
              seenAtProgress.push(events.length);
            },
          },
        );
        if (!handle.requestProgress) {
          handle.stop();
          ctx.skip();
          return;
        }
        for (let i = 0; i < 5; i++) await store.create(`${p}k${i}`, 'x');
        // Writes elsewhere move the revision on without events for this watch.
        for (let i = 0; i < 5; i++) await store.create(`${fresh()}other`, 'x');
        const target = await store.currentRevision();
        handle.requestProgress();
        const deadline = Date.now() + timeout;
        while (progress.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        handle.stop();
        expect(progress.length).toBeGreaterThan(0);
        expect(progress[0]!).toBeGreaterThanOrEqual(target);
        expect(seenAtProgress[0]).toBe(5);
      });
    });

    describe('compaction', () => {
      it('fails reads and watches behind the compacted revision with CompactedError', async () => {
        const p = fresh();
        const a = await store.create(`${p}a`, '1');
        const mid = (await store.update(`${p}a`, '2', a.modRevision)).modRevision;
        await store.update(`${p}a`, '3', mid);
        await store.compact(mid);
        expect(await store.compactedRevision()).toBeGreaterThanOrEqual(mid);
        await expect(store.range({ prefix: p, revision: a.modRevision })).rejects.toBeInstanceOf(CompactedError);
        await expect(store.get(`${p}a`, { revision: a.modRevision })).rejects.toBeInstanceOf(CompactedError);
        await expect(store.watch({ prefix: p, afterRevision: a.modRevision - 1 }, { events: () => {} })).rejects.toBeInstanceOf(CompactedError);
        // At and after the compacted revision everything still works.
        expect((await store.get(`${p}a`, { revision: mid }))!.value).toBe('2');
        const w = collect(p, mid);
        const handle = await w.started;
        await w.until(() => w.events.length >= 1);
        handle.stop();
        expect(w.events.map((e) => e.kv.value)).toEqual(['3']);
        expect((await store.get(`${p}a`))!.value).toBe('3');
      });
    });

    describe('progress notifications', () => {
      it('reports the current revision to a quiet watcher that asked for it', async () => {
        const p = fresh();
        const progress: number[] = [];
        const handle = await store.watch({ prefix: p, afterRevision: await store.currentRevision(), progressNotifyMs: 50 }, { events: () => {}, progress: (r) => progress.push(r) });
        const deadline = Date.now() + timeout;
        while (progress.length === 0 && Date.now() < deadline) {
          await store.create(`${fresh()}elsewhere`, 'x');
          await new Promise((r) => setTimeout(r, 25));
        }
        handle.stop();
        expect(progress.length).toBeGreaterThan(0);
        expect(progress[0]!).toBeGreaterThan(0);
      });
    });
  });
}

export type { KeyValue };
