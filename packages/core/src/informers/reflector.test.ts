import { ApiError, type KubeObject, internalError, resourceExpired } from '@keelson/api';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../clock/fake-clock.js';
import { ExponentialBackoff } from './backoff.js';
import { FakeListerWatcher } from './fake-lister-watcher.js';
import type { ListerWatcher } from './list-watch.js';
import { type Reflector, type ReflectorOptions, type ReflectorStore, createReflector } from './reflector.js';

function pod(name: string, ns = 'default', extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name }, ...extra };
}

const id = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`;

class RecordingStore implements ReflectorStore<KubeObject> {
  calls: string[] = [];
  lastReplace: KubeObject[] = [];
  replace(items: KubeObject[], rv: string): void {
    this.lastReplace = items;
    this.calls.push(`replace ${items.length} @${rv}`);
  }
  add(obj: KubeObject): void {
    this.calls.push(`add ${id(obj)}`);
  }
  update(obj: KubeObject): void {
    this.calls.push(`update ${id(obj)}`);
  }
  delete(obj: KubeObject): void {
    this.calls.push(`delete ${id(obj)}`);
  }
  resync(): void {
    this.calls.push('resync');
  }
}

/** Lets the loop reach its next timer, then fires it. */
async function step(clock: FakeClock): Promise<void> {
  await flushMicrotasks();
  await clock.advanceToNext();
}

let running: Reflector[] = [];
afterEach(() => {
  for (const r of running) r.stop();
  running = [];
});

function setup(opts: Partial<ReflectorOptions<KubeObject>> = {}, seed: KubeObject[] = []) {
  const clock = new FakeClock();
  const fake = new FakeListerWatcher<KubeObject>();
  for (const o of seed) fake.add(o);
  const store = new RecordingStore();
  const errors: unknown[] = [];
  const reflector = createReflector<KubeObject>({
    listerWatcher: fake,
    store,
    clock,
    random: () => 0,
    onError: (e) => errors.push(e),
    ...opts,
  });
  running.push(reflector);
  return { clock, fake, store, reflector, errors };
}

describe('reflector', () => {
  it('lists, then watches from the list resourceVersion and forwards events', async () => {
    const { fake, store, reflector } = setup({}, [pod('a'), pod('b')]);
    reflector.run();
    await flushMicrotasks();
    expect(fake.listCalls.map((c) => c.opts)).toEqual([{ resourceVersion: '0', limit: 500 }]);
    expect(store.calls).toEqual(['replace 2 @2']);
    expect(fake.watchCalls).toHaveLength(1);
    const w = fake.watchCalls[0]!.opts;
    expect(w).toMatchObject({ resourceVersion: '2', allowWatchBookmarks: true });
    expect(w.timeoutSeconds).toBeGreaterThanOrEqual(300);
    expect(w.timeoutSeconds).toBeLessThanOrEqual(600);

    fake.add(pod('c'));
    fake.update(pod('a', 'default', { spec: { x: 1 } }));
    fake.delete('default/b');
    expect(store.calls.slice(1)).toEqual(['add default/c@3', 'update default/a@4', 'delete default/b@5']);
    expect(reflector.lastSyncResourceVersion()).toBe('5');
  });

  it('re-watches from the last resourceVersion when a watch ends, without relisting', async () => {
    const { clock, fake, store, reflector } = setup({}, [pod('a')]);
    reflector.run();
    await flushMicrotasks();
    fake.add(pod('b'));
    fake.endWatches();
    await flushMicrotasks();
    expect(fake.listCalls).toHaveLength(1);
    expect(fake.watchCalls.map((c) => c.opts.resourceVersion)).toEqual(['1', '2']);
    // Changes made while reconnecting are replayed from history.
    fake.endWatches();
    fake.update(pod('a', 'default', { v: 2 }));
    await clock.advance(800); // the second watch saw no events and was short: one back-off
    expect(fake.watchCalls.map((c) => c.opts.resourceVersion)).toEqual(['1', '2', '2']);
    expect(store.calls).toEqual(['replace 1 @1', 'add default/b@2', 'update default/a@3']);
  });

  it('backs off before re-watching after a watch that closed at once with no event', async () => {
    const { clock, fake, reflector } = setup({}, [pod('a')]);
    reflector.run();
    await flushMicrotasks();
    fake.endWatches();
    await clock.advance(799);
    expect(fake.watchCalls).toHaveLength(1);
    await clock.advance(1);
    expect(fake.watchCalls).toHaveLength(2);
    // A watch that lived long enough is resumed at once, even without events.
    await clock.advance(1500);
    fake.endWatches();
    await flushMicrotasks();
    expect(fake.watchCalls).toHaveLength(3);
    expect(fake.listCalls).toHaveLength(1);
  });

  it('relists after the watch is rejected with 410, falling back to the latest state', async () => {
    const { clock, fake, store, reflector } = setup({}, [pod('a'), pod('b')]);
    reflector.run();
    await flushMicrotasks();
    await clock.advance(1500);
    fake.failWatches(internalError('connection reset'));
    fake.endWatches(); // re-watched at once, which fails: 800 ms back-off
    await flushMicrotasks();
    // Disconnected (backing off): the world moves on and history is compacted.
    fake.update(pod('a', 'default', { v: 2 }));
    fake.delete('default/b');
    fake.add(pod('c'));
    fake.compact();
    await clock.advance(800);
    // watch@2 → 410; list@2 → 410 (compacted); list@"" → the latest state.
    expect(fake.watchCalls.map((c) => c.opts.resourceVersion)).toEqual(['2', '2', '2', '5']);
    expect(fake.watchCalls[2]!.error).toBeInstanceOf(ApiError);
    expect(fake.listCalls.map((c) => c.opts.resourceVersion)).toEqual(['0', '2', '']);
    expect(store.calls).toEqual(['replace 2 @2', 'replace 2 @5']);
    expect(store.lastReplace.map(id)).toEqual(['default/a@3', 'default/c@5']);
    expect(reflector.lastSyncResourceVersion()).toBe('5');
  });

  it('relists (from the last resourceVersion) at once on an ERROR event with code 410', async () => {
    const { fake, store, reflector } = setup({}, [pod('a')]);
    reflector.run();
    await flushMicrotasks();
    fake.add(pod('b'));
    fake.expireWatches(410);
    await flushMicrotasks();
    expect(fake.listCalls.map((c) => c.opts.resourceVersion)).toEqual(['0', '2']);
    expect(store.calls).toEqual(['replace 1 @1', 'add default/b@2', 'replace 2 @2']);
    expect(fake.watchCalls.map((c) => c.opts.resourceVersion)).toEqual(['1', '2']);
  });

  it('backs off on a second 410 in a row without any event in between', async () => {
    const { clock, fake, reflector } = setup({}, [pod('a')]);
    reflector.run();
    await flushMicrotasks();
    fake.expireWatches(410);
    await flushMicrotasks();
    expect(fake.listCalls).toHaveLength(2);
    fake.expireWatches(410);
    await flushMicrotasks();
    expect(fake.listCalls).toHaveLength(2);
    await clock.advance(800);
    expect(fake.listCalls).toHaveLength(3);
  });

  it('backs off and resumes the watch on other ERROR events', async () => {
    const { clock, fake, errors, reflector } = setup({}, [pod('a')]);
    reflector.run();
    await flushMicrotasks();
    fake.expireWatches(500);
    await flushMicrotasks();
    expect(errors).toHaveLength(1);
    expect((errors[0] as ApiError).code).toBe(500);
    await clock.advance(800);
    expect(fake.watchCalls.map((c) => c.opts.resourceVersion)).toEqual(['1', '1']);
    expect(fake.listCalls).toHaveLength(1);
  });

  it('treats a watch whose done promise rejects as a watch failure', async () => {
    const { clock, fake, errors } = (() => {
      const clock = new FakeClock();
      const fake = new FakeListerWatcher<KubeObject>();
      fake.add(pod('a'));
      let first = true;
      const lw: ListerWatcher<KubeObject> = {
        list: (o) => fake.list(o),
        watch: async (o, h) => {
          const handle = await fake.watch(o, h);
          if (!first) return handle;
          first = false;
          return { stop: handle.stop, done: Promise.reject(new Error('stream reset')) };
        },
      };
      const errors: unknown[] = [];
      const r = createReflector({ listerWatcher: lw, store: new RecordingStore(), clock, random: () => 0, onError: (e) => errors.push(e) });
      running.push(r);
      r.run();
      return { clock, fake, errors };
    })();
    await flushMicrotasks();
    expect((errors[0] as Error).message).toBe('stream reset');
    await clock.advance(800);
    expect(fake.watchCalls).toHaveLength(2);
    expect(fake.activeWatches).toBe(1);
  });

  it('advances the resourceVersion with bookmarks and resumes from it', async () => {
    const { fake, store, reflector } = setup({}, [pod('a')]);
    reflector.run();
    await flushMicrotasks();
    fake.bumpResourceVersion();
    fake.bumpResourceVersion();
    fake.bookmark();
    expect(reflector.lastSyncResourceVersion()).toBe('3');
    expect(store.calls).toEqual(['replace 1 @1']);
    fake.endWatches();
    await flushMicrotasks();
    expect(fake.watchCalls.map((c) => c.opts.resourceVersion)).toEqual(['1', '3']);
  });

  it('does not ask for bookmarks when told not to', async () => {
    const { fake, reflector } = setup({ allowWatchBookmarks: false }, [pod('a')]);
    reflector.run();
    await flushMicrotasks();
    fake.bumpResourceVersion();
    fake.bookmark();
    expect(fake.watchCalls[0]!.opts.allowWatchBookmarks).toBe(false);
    expect(reflector.lastSyncResourceVersion()).toBe('1');
  });

  it('backs off 0.8, 1.6, 3.2 ... 30 s on repeated list failures, then lists', async () => {
    const clock = new FakeClock();
    const fake = new FakeListerWatcher<KubeObject>();
    fake.add(pod('a'));
    const at: number[] = [];
    const lw: ListerWatcher<KubeObject> = {
      list: (o) => (at.push(clock.now()), fake.list(o)),
      watch: (o, h) => fake.watch(o, h),
    };
    const store = new RecordingStore();
    fake.failLists(...Array.from({ length: 8 }, () => internalError('etcd down')));
    const reflector = createReflector({ listerWatcher: lw, store, clock, random: () => 0 });
    running.push(reflector);
    reflector.run();
    for (let i = 0; i < 8; i++) await step(clock);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps).toEqual([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
    expect(store.calls).toEqual(['replace 1 @1']);
  });

  it('jitters each delay by up to 100% and resets after a clean period', () => {
    const clock = new FakeClock();
    const half = new ExponentialBackoff(clock, { random: () => 0.5 });
    expect([half.next(), half.next(), half.next()]).toEqual([1200, 2400, 4800]);
    const max = new ExponentialBackoff(clock, { random: () => 0.999 });
    for (let i = 0; i < 10; i++) max.next();
    expect(max.next()).toBeCloseTo(59_970, 0);
    const b = new ExponentialBackoff(clock, { random: () => 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([800, 1600, 3200]);
    clock.set(clock.now() + 120_000);
    expect(b.next()).toBe(6400); // not more than 2 minutes: no reset
    clock.set(clock.now() + 120_001);
    expect(b.next()).toBe(800);
  });

  it('restarts the back-off after two clean minutes', async () => {
    const { clock, fake, reflector } = setup({}, [pod('a')]);
    reflector.run();
    await flushMicrotasks();
    const watchAt: number[] = [];
    const failAndCount = async (n: number) => {
      fake.failWatches(...Array.from({ length: n }, () => internalError('boom')));
      fake.expireWatches(500);
      for (let i = 0; i < n + 1; i++) {
        await step(clock);
        watchAt.push(clock.now());
      }
    };
    const t0 = clock.now();
    await failAndCount(2); // 800, 1600, 3200
    expect(watchAt.map((t) => t - t0)).toEqual([800, 2400, 5600]);
    await clock.advance(121_000);
    const t1 = clock.now();
    watchAt.length = 0;
    await failAndCount(0);
    expect(watchAt.map((t) => t - t1)).toEqual([800]);
  });

  it('lists in pages of 500 with continue tokens and no resourceVersion on continuations', async () => {
    const seed = Array.from({ length: 1234 }, (_, i) => pod(`p${String(i).padStart(4, '0')}`));
    const { fake, store, reflector } = setup({}, seed);
    reflector.run();
    await flushMicrotasks();
    expect(fake.listCalls).toHaveLength(3);
    expect(fake.listCalls[0]!.opts).toEqual({ resourceVersion: '0', limit: 500 });
    for (const c of fake.listCalls.slice(1)) {
      expect(c.opts.limit).toBe(500);
      expect(c.opts.continue).toBeTruthy();
      expect(c.opts.resourceVersion).toBeUndefined();
    }
    expect(store.calls).toEqual(['replace 1234 @1234']);
    expect(store.lastReplace.map((o) => o.metadata.name)).toEqual(seed.map((o) => o.metadata.name));
  });

  it('falls back to a full list when a continuation expires', async () => {
    const clock = new FakeClock();
    const fake = new FakeListerWatcher<KubeObject>();
    for (let i = 0; i < 5; i++) fake.add(pod(`p${i}`));
    let calls = 0;
    const lw: ListerWatcher<KubeObject> = {
      list: (o) => {
        if (++calls === 2) {
          fake.add(pod('p9'));
          fake.compact();
        }
        return fake.list(o);
      },
      watch: (o, h) => fake.watch(o, h),
    };
    const store = new RecordingStore();
    const reflector = createReflector({ listerWatcher: lw, store, clock, pageSize: 2, random: () => 0 });
    running.push(reflector);
    reflector.run();
    await flushMicrotasks();
    expect(fake.listCalls.map((c) => c.opts)).toEqual([
      { resourceVersion: '0', limit: 2 },
      { limit: 2, continue: expect.any(String) },
      { resourceVersion: '0' },
    ]);
    expect(store.calls).toEqual(['replace 6 @6']);
  });

  it('lists unpaginated with pageSize 0', async () => {
    const { fake, reflector } = setup({ pageSize: 0 }, [pod('a'), pod('b')]);
    reflector.run();
    await flushMicrotasks();
    expect(fake.listCalls.map((c) => c.opts)).toEqual([{ resourceVersion: '0' }]);
  });

  it('resyncs every period when shouldResync says so', async () => {
    let due = true;
    const { clock, store, reflector } = setup({ resyncMs: 1000, shouldResync: () => due }, [pod('a')]);
    reflector.run();
    await clock.advance(2000);
    due = false;
    await clock.advance(3000);
    expect(store.calls).toEqual(['replace 1 @1', 'resync', 'resync']);
  });

  it('stop() ends the watch and the loop, even during a back-off', async () => {
    const { clock, fake, store, reflector } = setup({}, [pod('a')]);
    reflector.run();
    await flushMicrotasks();
    expect(fake.activeWatches).toBe(1);
    reflector.stop();
    await reflector.done;
    expect(fake.activeWatches).toBe(0);
    fake.add(pod('b'));
    expect(store.calls).toEqual(['replace 1 @1']);

    const other = setup();
    other.fake.failLists(internalError('down'));
    other.reflector.run();
    await flushMicrotasks();
    expect(other.clock.pending()).toBe(1);
    other.reflector.stop();
    await other.reflector.done;
    expect(other.clock.pending()).toBe(0);
    await clock.advance(60_000);
    expect(other.fake.listCalls).toHaveLength(1);
  });

  it('retries a first list rejected with 410 at once with resourceVersion ""', async () => {
    const { fake, store, reflector } = setup({}, [pod('a')]);
    fake.failLists(resourceExpired());
    reflector.run();
    await flushMicrotasks();
    // "0" → 410 → retried at once with "" (the latest state).
    expect(fake.listCalls.map((c) => c.opts.resourceVersion)).toEqual(['0', '']);
    expect(store.calls).toEqual(['replace 1 @1']);
  });
});
