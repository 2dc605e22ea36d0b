import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../client/client.js';
import { InProcessClient } from '../../client/in-process-client.js';
import { FakeClock, flushMicrotasks } from '../../clock/fake-clock.js';
import { MemoryStore } from '../../store/memory-store.js';
import type { RangeOptions, Store, StoreEvent, StoreWatch, StoreWatchOptions, WatchSink } from '../../store/store.js';
import { GadgetKind, type Widget, WidgetKind, widget } from '../fixtures.js';
import { KindRegistry } from '../kind-registry.js';
import { Registry } from '../registry.js';
import type { WatchCacheOptions } from './watch-cache.js';

/**
 * A store whose watch deliveries can be held back (a cache lagging behind its store), failed
 * (a lost store watch), and whose progress requests can be withheld; it counts range reads and watches.
 */
class ControlledStore implements Store {
  readonly name = 'controlled';
  ranges = 0;
  watches = 0;
  paused = false;
  progressSupported = true;
  /** Progress requests are swallowed (a store that never answers). */
  dropProgress = false;
  private readonly held: (() => void)[] = [];
  private readonly sinks = new Set<WatchSink>();

  constructor(readonly inner: MemoryStore) {}

  currentRevision = () => this.inner.currentRevision();
  compactedRevision = () => this.inner.compactedRevision();
  get: Store['get'] = (k, o) => this.inner.get(k, o);
  create: Store['create'] = (k, v) => this.inner.create(k, v);
  update: Store['update'] = (k, v, r) => this.inner.update(k, v, r);
  delete: Store['delete'] = (k, r) => this.inner.delete(k, r);
  compact: Store['compact'] = (r) => this.inner.compact(r);
  close = () => this.inner.close();

  range(opts: RangeOptions) {
    this.ranges++;
    return this.inner.range(opts);
  }

  async watch(opts: StoreWatchOptions, sink: WatchSink): Promise<StoreWatch> {
    const relay = (fn: () => void) => (this.paused ? this.held.push(fn) : fn());
    this.watches++;
    this.sinks.add(sink);
    const w = await this.inner.watch(opts, {
      events: (es: StoreEvent[]) => relay(() => sink.events(es)),
      progress: (r) => relay(() => sink.progress?.(r)),
      error: (e) => sink.error?.(e),
    });
    return {
      stop: () => {
        this.sinks.delete(sink);
        w.stop();
      },
      ...(this.progressSupported ? { requestProgress: () => void (this.dropProgress || w.requestProgress!()) } : {}),
    };
  }

  release(): void {
    this.paused = false;
    for (const fn of this.held.splice(0)) fn();
  }

  /** Every store watch fails (as a lost connection would). */
  fail(): void {
    for (const s of [...this.sinks]) s.error?.(new Error('connection lost'));
  }
}

function setup(cache: WatchCacheOptions = {}, progressSupported = true) {
  const clock = new FakeClock();
  const store = new ControlledStore(new MemoryStore({ clock }));
  store.progressSupported = progressSupported;
  const kinds = new KindRegistry();
  kinds.register(WidgetKind);
  kinds.register(GadgetKind);
  const registry = new Registry({ store, kinds, clock, watchCache: cache });
  const client = new InProcessClient(registry);
  const widgets = client.resource<Widget>(WidgetKind, 'default');
  return { clock, store, registry, client, widgets, cache: () => registry.resourceStore(WidgetKind).cache! };
}

function recorder() {
  const events: WatchEvent<Widget>[] = [];
  return {
    events,
    handler: (e: WatchEvent<Widget>) => void events.push(e),
    summary: () => events.map((e) => `${e.type} ${(e.object as Widget).metadata.name ?? ''}@${(e.object as Widget).metadata.resourceVersion}`),
  };
}

const names = (l: { items: Widget[] }) => l.items.map((i) => i.metadata.name);

describe('watch cache: LIST', () => {
  it('serves lists from memory once started: no store range per request', async () => {
    const { widgets, store } = setup();
    for (const n of ['b', 'a', 'c']) await widgets.create(widget(n, { metadata: { name: n, labels: { odd: String(n !== 'b') } } }));
    const before = store.ranges;
    expect(names(await widgets.list())).toEqual(['a', 'b', 'c']);
    expect(names(await widgets.list({ resourceVersion: '0', labelSelector: 'odd=true' }))).toEqual(['a', 'c']);
    expect(names(await widgets.list({ fieldSelector: 'metadata.name!=a' }))).toEqual(['b', 'c']);
    expect(store.ranges).toBe(before);
  });

  it('reads consistently: a list without resourceVersion waits for writes made by another API server', async () => {
    const { widgets, store, clock } = setup();
    await widgets.list();
    // Another API server writes to the same store (its own registry, its own cache).
    const kinds = new KindRegistry();
    kinds.register(WidgetKind);
    const other = new InProcessClient(new Registry({ store: store.inner, kinds, clock })).resource<Widget>(WidgetKind, 'default');
    store.paused = true;
    const created = await other.create(widget('x'));
    // RV=0 answers at once from what the cache holds: not yet the new object.
    const stale = await widgets.list({ resourceVersion: '0' });
    expect(names(stale)).toEqual([]);
    expect(Number(stale.metadata.resourceVersion)).toBeLessThan(Number(created.metadata.resourceVersion));
    let fresh: Awaited<ReturnType<typeof widgets.list>> | undefined;
    const pending = widgets.list().then((l) => (fresh = l));
    await flushMicrotasks();
    expect(fresh).toBeUndefined();
    const ranges = store.ranges;
    store.release();
    await pending;
    expect(names(fresh!)).toEqual(['x']);
    expect(fresh!.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(store.ranges).toBe(ranges);
  });

  it('reaches the current revision through a progress request when the writes were to other resources', async () => {
    const { widgets, client, store, cache } = setup();
    await widgets.create(widget('a'));
    await client.resource(GadgetKind).create({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g' } });
    const current = await store.currentRevision();
    const list = await widgets.list();
    expect(list.metadata.resourceVersion).toBe(String(current));
    expect(cache().revision).toBe(current);
  });

  it('falls back to the store when the cache does not catch up in time, or the store cannot report progress', async () => {
    const { widgets, store, clock } = setup({ waitTimeoutMs: 3000 });
    await widgets.list();
    store.paused = true;
    await store.inner.create('/registry/example.com/widgets/default/y', JSON.stringify(widget('y', { metadata: { name: 'y', namespace: 'default' } })));
    const pending = widgets.list();
    await clock.advance(3000);
    const ranges = store.ranges;
    expect(names(await pending)).toEqual(['y']);
    expect(store.ranges).toBeGreaterThanOrEqual(ranges);

    const noProgress = setup({}, false);
    await noProgress.widgets.create(widget('z'));
    const before = noProgress.store.ranges;
    expect(names(await noProgress.widgets.list())).toEqual(['z']);
    expect(noProgress.store.ranges).toBe(before + 1);
    // resourceVersion=0 is still the cache's.
    expect(names(await noProgress.widgets.list({ resourceVersion: '0' }))).toEqual(['z']);
    expect(noProgress.store.ranges).toBe(before + 1);
  });

  it('asks again for progress after a request went unanswered', async () => {
    const { widgets, client, store, clock } = setup({ waitTimeoutMs: 3000 });
    await widgets.create(widget('a'));
    await client.resource(GadgetKind).create({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g1' } });
    store.dropProgress = true;
    const first = widgets.list();
    await clock.advance(3000);
    expect(names(await first)).toEqual(['a']);
    store.dropProgress = false;
    await client.resource(GadgetKind).create({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g2' } });
    const ranges = store.ranges;
    const second = await widgets.list();
    expect(second.metadata.resourceVersion).toBe(String(await store.currentRevision()));
    expect(store.ranges).toBe(ranges);
  });

  it('paginates: the first page from the cache, the next ones from the store snapshot at its revision', async () => {
    const { widgets, store } = setup();
    for (let i = 0; i < 5; i++) await widgets.create(widget(`w${i}`));
    const p1 = await widgets.list({ limit: 2 });
    expect(names(p1)).toEqual(['w0', 'w1']);
    expect(p1.metadata.remainingItemCount).toBe(3);
    await widgets.create(widget('w5'));
    const p2 = await widgets.list({ limit: 2, continue: p1.metadata.continue });
    const p3 = await widgets.list({ limit: 2, continue: p2.metadata.continue });
    expect([...names(p2), ...names(p3)]).toEqual(['w2', 'w3', 'w4']);
    expect(p3.metadata.continue).toBeUndefined();
    expect(p3.metadata.resourceVersion).toBe(p1.metadata.resourceVersion);
    // A filtered page has no remainingItemCount; an exact page the last matching item ends.
    const filtered = await widgets.list({ limit: 6, fieldSelector: 'metadata.name!=w0' });
    expect(names(filtered)).toEqual(['w1', 'w2', 'w3', 'w4', 'w5']);
    expect(filtered.metadata.continue).toBeUndefined();
    expect(store.ranges).toBeGreaterThan(0);
  });

  it('answers 504 for a resourceVersion the store has not reached', async () => {
    const { widgets, store } = setup();
    await widgets.create(widget('a'));
    const current = await store.currentRevision();
    await expect(widgets.list({ resourceVersion: String(current + 3) })).rejects.toMatchObject({ code: 504 });
    await expect(widgets.watch({ resourceVersion: String(current + 3) }, () => {})).rejects.toMatchObject({ code: 504 });
  });
});

describe('watch cache: WATCH', () => {
  it('replays from the ring inside the window; older history from the store, 410 once the store compacted it', async () => {
    const { widgets, cache, store } = setup({ capacity: 3 });
    const a = await widgets.create(widget('a'));
    const revs = [a.metadata.resourceVersion!];
    let cur = a;
    for (let i = 1; i <= 4; i++) {
      cur = await widgets.update({ ...cur, spec: { size: i } });
      revs.push(cur.metadata.resourceVersion!);
    }
    await flushMicrotasks();
    // 5 events, 3 kept: the window starts after the second.
    expect(cache().oldestRevision).toBe(Number(revs[1]));
    const old = recorder();
    const watches = store.watches;
    const fromStore = await widgets.watch({ resourceVersion: revs[0] }, old.handler);
    await flushMicrotasks();
    expect(old.summary()).toEqual([`MODIFIED a@${revs[1]}`, `MODIFIED a@${revs[2]}`, `MODIFIED a@${revs[3]}`, `MODIFIED a@${revs[4]}`]);
    expect(store.watches).toBe(watches + 1); // the store's history, not the ring
    fromStore.stop();
    await store.compact(Number(revs[1]));
    await expect(widgets.watch({ resourceVersion: revs[0] }, () => {})).rejects.toMatchObject({
      code: 410,
      reason: 'Expired',
      message: `too old resource version: ${revs[0]} (${revs[1]})`,
    });
    const r = recorder();
    const h = await widgets.watch({ resourceVersion: revs[1] }, r.handler);
    await flushMicrotasks();
    expect(r.summary()).toEqual([`MODIFIED a@${revs[2]}`, `MODIFIED a@${revs[3]}`, `MODIFIED a@${revs[4]}`]);
    await widgets.delete('a');
    await flushMicrotasks();
    expect(r.events.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    h.stop();
  });

  it('filters by labels and fields in the cache, with selection transitions', async () => {
    const { widgets } = setup();
    const r = recorder();
    const h = await widgets.watch({ labelSelector: 'tier=web', fieldSelector: 'metadata.name!=skip' }, r.handler);
    await widgets.create(widget('skip', { metadata: { name: 'skip', labels: { tier: 'web' } } }));
    await widgets.create(widget('a', { metadata: { name: 'a', labels: { tier: 'db' } } }));
    await widgets.patch('a', 'merge', { metadata: { labels: { tier: 'web' } } });
    const left = await widgets.patch('a', 'merge', { metadata: { labels: { tier: 'db' } } });
    await flushMicrotasks();
    expect(r.events.map((e) => `${e.type} ${(e.object as Widget).metadata.name}`)).toEqual(['ADDED a', 'DELETED a']);
    expect((r.events[1]!.object as Widget).metadata.labels).toEqual({ tier: 'web' });
    expect((r.events[1]!.object as Widget).metadata.resourceVersion).toBe(left.metadata.resourceVersion);
    h.stop();
  });

  it('sends the cached state then live changes, never one twice, while writes race with the start', async () => {
    const { widgets } = setup();
    for (let i = 0; i < 3; i++) await widgets.create(widget(`pre${i}`));
    const r = recorder();
    const writes = Promise.all([widgets.create(widget('race1')), widgets.create(widget('race2'))]);
    const h = await widgets.watch({}, r.handler);
    await writes;
    await widgets.create(widget('after'));
    await flushMicrotasks();
    const seen = r.events.map((e) => (e.object as Widget).metadata.name);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(['after', 'pre0', 'pre1', 'pre2', 'race1', 'race2']);
    expect(seen.slice(0, 3)).toEqual(['pre0', 'pre1', 'pre2']);
    h.stop();
  });

  it('ends its watchers and relists when the store watch is lost; a failing handler stops only its own watch', async () => {
    const { widgets, store, cache } = setup();
    await widgets.create(widget('a'));
    const bad = await widgets.watch({}, () => {
      throw new Error('consumer bug');
    });
    const r = recorder();
    const h = await widgets.watch({ resourceVersion: '0' }, r.handler);
    await widgets.create(widget('b'));
    await flushMicrotasks();
    let badEnded = false;
    void bad.done.then(() => (badEnded = true));
    await flushMicrotasks();
    expect(badEnded).toBe(true);
    expect(r.summary().map((s) => s.split('@')[0])).toEqual(['ADDED a', 'ADDED b']);
    const ranges = store.ranges;
    store.fail();
    await h.done;
    expect(cache().started).toBe(false);
    await store.inner.create('/registry/example.com/widgets/default/c', JSON.stringify(widget('c', { metadata: { name: 'c', namespace: 'default' } })));
    expect(names(await widgets.list())).toEqual(['a', 'b', 'c']);
    expect(store.ranges).toBe(ranges + 1);
    expect(cache().started).toBe(true);
  });

  it('stops with the registry: its watchers end and reads go to the store', async () => {
    const { widgets, registry, store } = setup();
    await widgets.create(widget('a'));
    const h = await widgets.watch({}, () => {});
    registry.close();
    await h.done;
    const ranges = store.ranges;
    expect(names(await widgets.list())).toEqual(['a']);
    expect(store.ranges).toBe(ranges + 1);
  });
});

describe('watch cache: history from before the cache', () => {
  it('serves a watch from before the cache started from the store, and 410 once the store compacted it', async () => {
    const clock = new FakeClock();
    const inner = new MemoryStore({ clock });
    const kinds = new KindRegistry();
    kinds.register(WidgetKind);
    // A first server writes, then "restarts": a new registry (new caches) over the same store.
    const first = new InProcessClient(new Registry({ store: inner, kinds, clock })).resource<Widget>(WidgetKind, 'default');
    const a = await first.create(widget('a'));
    const b = await first.create(widget('b'));
    const store = new ControlledStore(inner);
    const registry = new Registry({ store, kinds, clock });
    const widgets = new InProcessClient(registry).resource<Widget>(WidgetKind, 'default');
    await widgets.list();
    const cache = registry.resourceStore(WidgetKind).cache!;
    expect(cache.listRevision).toBe(Number(b.metadata.resourceVersion));
    const r = recorder();
    const h = await widgets.watch({ resourceVersion: a.metadata.resourceVersion }, r.handler);
    await widgets.create(widget('c'));
    await flushMicrotasks();
    expect(r.summary().map((s) => s.split('@')[0])).toEqual(['ADDED b', 'ADDED c']);
    h.stop();
    await inner.compact(Number(b.metadata.resourceVersion));
    await expect(widgets.watch({ resourceVersion: a.metadata.resourceVersion }, () => {})).rejects.toMatchObject({ code: 410 });
  });
});
