import { type KubeObject, type ManagedFieldsEntry, internalError } from '@keelson/api';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../clock/fake-clock.js';
import { createLogger } from '../log.js';
import { InformerAlreadyStartedError, InformerStoppedError } from './errors.js';
import { FakeListerWatcher } from './fake-lister-watcher.js';
import type { ResourceEventHandler, SharedIndexInformer } from './interfaces.js';
import { type SharedIndexInformerOptions, createSharedIndexInformer, stripManagedFields } from './shared-informer.js';

const PodKind = { apiVersion: 'v1', kind: 'Pod' };

function pod(name: string, extra: Record<string, unknown> = {}, ns = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name }, ...extra };
}

const id = (o: KubeObject) => `${o.metadata.name}@${o.metadata.resourceVersion}`;

/** A handler that writes what it sees as short strings. */
function recorder(events: string[] = []): ResourceEventHandler & { events: string[] } {
  return {
    events,
    onAdd: (o, initial) => void events.push(`add ${id(o)}${initial ? ' initial' : ''}`),
    onUpdate: (a, b) => void events.push(`update ${id(a)}->${id(b)}`),
    onDelete: (o, info) => void events.push(`delete ${id(o)}${info.finalStateUnknown ? ' unknown' : ''}`),
  };
}

let informers: SharedIndexInformer[] = [];
afterEach(() => {
  for (const i of informers) i.stop();
  informers = [];
});

function setup(seed: KubeObject[] = [], opts: Partial<SharedIndexInformerOptions<KubeObject>> = {}) {
  const clock = new FakeClock();
  const fake = new FakeListerWatcher<KubeObject>();
  for (const o of seed) fake.add(o);
  const informer = createSharedIndexInformer<KubeObject>({ kind: PodKind, listerWatcher: fake, clock, random: () => 0, ...opts });
  informers.push(informer);
  return { clock, fake, informer };
}

describe('shared informer', () => {
  it('start() resolves only once the first list is cached and every handler has processed it', async () => {
    const { clock, fake, informer } = setup([pod('a'), pod('b')]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const slow = informer.addEventHandler({
      onAdd: async (o) => {
        await gate;
        seen.push(o.metadata.name!);
      },
    });
    fake.failLists(internalError('down'));
    let resolved = false;
    const started = informer.start().then(() => (resolved = true));
    await flushMicrotasks();
    expect(informer.hasSynced()).toBe(false);
    await clock.advance(800); // the list is retried and succeeds
    expect(informer.hasSynced()).toBe(true);
    expect(informer.lister().list()).toHaveLength(2);
    expect(resolved).toBe(false);
    expect(slow.hasSynced()).toBe(false);
    release();
    await started;
    expect(seen).toEqual(['a', 'b']);
    expect(slow.hasSynced()).toBe(true);
    expect(informer.start()).toBe(informer.start());
    expect(informer.lastSyncResourceVersion()).toBe('2');
  });

  it('delivers the initial list, then watch events, updating the cache first', async () => {
    const { fake, informer } = setup([pod('a')]);
    const events: string[] = [];
    const lister = informer.lister();
    informer.addEventHandler({
      onAdd: (o, initial) => void events.push(`add ${id(o)} ${initial} cached=${lister.namespace('default').get(o.metadata.name!) === o}`),
      onUpdate: (_, o) => void events.push(`update ${id(o)} cached=${lister.namespace('default').get(o.metadata.name!) === o}`),
      onDelete: (o, info) => void events.push(`delete ${id(o)} ${info.finalStateUnknown} cached=${lister.namespace('default').get(o.metadata.name!) !== undefined}`),
    });
    await informer.start();
    fake.add(pod('b'));
    await flushMicrotasks();
    fake.update(pod('b', { spec: { v: 2 } }));
    await flushMicrotasks();
    fake.delete('default/b');
    await flushMicrotasks();
    expect(events).toEqual([
      'add a@1 true cached=true',
      'add b@2 false cached=true',
      'update b@3 cached=true',
      'delete b@4 false cached=false',
    ]);
  });

  it('gives a handler added after sync every cached object first, then later changes', async () => {
    const { fake, informer } = setup([pod('a'), pod('b')]);
    await informer.start();
    const late = recorder();
    const reg = informer.addEventHandler(late);
    expect(reg.hasSynced()).toBe(false);
    fake.add(pod('c')); // arrives while the replay is still queued
    await flushMicrotasks();
    expect(late.events).toEqual(['add a@1 initial', 'add b@2 initial', 'add c@3']);
    expect(reg.hasSynced()).toBe(true);
  });

  it('a handler added after start but before sync gets the initial list once; unknown deletes are dropped', async () => {
    const { clock, fake, informer } = setup([pod('a')]);
    fake.failLists(internalError('down'));
    const started = informer.start();
    await flushMicrotasks();
    const h = recorder();
    const reg = informer.addEventHandler(h);
    await clock.advance(800);
    await started;
    expect(reg.hasSynced()).toBe(true);
    // A DELETED for something the cache never held (e.g. seen before a relist) reaches no handler.
    (informer as unknown as { delete(o: KubeObject): void }).delete(pod('ghost'));
    await flushMicrotasks();
    expect(h.events).toEqual(['add a@1 initial']);
  });

  it('relists after compaction: adds, updates, finalStateUnknown deletes, nothing for unchanged objects', async () => {
    const { clock, fake, informer } = setup([pod('a'), pod('b'), pod('keep'), pod('re', { spec: { gen: 1 } })]);
    const h = recorder();
    informer.addEventHandler(h);
    await informer.start();
    h.events.length = 0;
    await clock.advance(1500);
    fake.failWatches(internalError('connection reset'));
    fake.endWatches(); // the re-watch fails: 800 ms back-off, during which the world changes
    await flushMicrotasks();
    fake.update(pod('a', { spec: { v: 2 } }));
    fake.delete('default/b');
    fake.add(pod('c'));
    fake.delete('default/re');
    fake.add(pod('re', { spec: { gen: 2 } })); // same name, new uid
    fake.compact();
    await clock.advance(800);
    expect(h.events).toEqual(['update a@1->a@5', 'add c@7', 'delete re@4 unknown', 'add re@9', 'delete b@2 unknown']);
    expect(informer.lister().list().map(id).sort()).toEqual(['a@5', 'c@7', 'keep@3', 're@9']);
    // Then the watch carries on from the new list.
    fake.delete('default/keep');
    await flushMicrotasks();
    expect(h.events.at(-1)).toBe('delete keep@10');
  });

  it('keeps each handler in order; a slow handler delays only itself', async () => {
    const { fake, informer } = setup();
    const fast = recorder();
    const slowSeen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    informer.addEventHandler(fast);
    informer.addEventHandler({
      onAdd: async (o) => {
        if (o.metadata.name === 'p0') await gate;
        slowSeen.push(`add ${id(o)}`);
      },
      onUpdate: (a, b) => void slowSeen.push(`update ${id(a)}->${id(b)}`),
      onDelete: (o) => void slowSeen.push(`delete ${id(o)}`),
    });
    await informer.start();
    for (let i = 0; i < 5; i++) fake.add(pod(`p${i}`));
    fake.update(pod('p0', { v: 2 }));
    fake.delete('default/p0');
    await flushMicrotasks();
    const expected = ['add p0@1', 'add p1@2', 'add p2@3', 'add p3@4', 'add p4@5', 'update p0@1->p0@6', 'delete p0@7'];
    expect(fast.events).toEqual(expected);
    expect(slowSeen).toEqual([]);
    release();
    await flushMicrotasks();
    expect(slowSeen).toEqual(expected);
  });

  it('logs a throwing handler and keeps delivering to it', async () => {
    const lines: string[] = [];
    const { fake, informer } = setup([], { log: createLogger({ level: 'error', sink: (l) => lines.push(l) }) });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => {
        seen.push(o.metadata.name!);
        if (o.metadata.name === 'bad') throw new Error('handler bug');
      },
    });
    await informer.start();
    fake.add(pod('bad'));
    fake.add(pod('good'));
    await flushMicrotasks();
    expect(seen).toEqual(['bad', 'good']);
    expect(lines.join('\n')).toMatch(/event handler failed.*handler bug/);
  });

  it('resyncs handlers that asked for it, each on its own period', async () => {
    const { clock, fake, informer } = setup([pod('a')]);
    const every10 = recorder();
    const every30 = recorder();
    const never = recorder();
    informer.addEventHandler(every10, 10_000);
    informer.addEventHandler(every30, 30_000);
    informer.addEventHandler(never);
    await informer.start();
    fake.add(pod('b'));
    await clock.advance(30_000);
    const resyncs = (h: { events: string[] }) => h.events.filter((e) => e.startsWith('update'));
    expect(resyncs(every10)).toEqual(['update a@1->a@1', 'update b@2->b@2', 'update a@1->a@1', 'update b@2->b@2', 'update a@1->a@1', 'update b@2->b@2']);
    expect(resyncs(every30)).toEqual(['update a@1->a@1', 'update b@2->b@2']);
    expect(resyncs(never)).toEqual([]);
  });

  it('uses the informer resync period for handlers that give none', async () => {
    const { clock, informer } = setup([pod('a')], { resyncMs: 5000 });
    const h = recorder();
    informer.addEventHandler(h);
    await informer.start();
    await clock.advance(10_000);
    expect(h.events).toEqual(['add a@1 initial', 'update a@1->a@1', 'update a@1->a@1']);
  });

  it('adds indexers before start only; the namespace index is there by default', async () => {
    const { informer } = setup([pod('a', {}, 'x'), pod('b', {}, 'y')]);
    informer.addIndexers({ name: (o) => [o.metadata.name!] });
    await informer.start();
    expect(informer.getIndexer().byIndex('namespace', 'x').map(id)).toEqual(['a@1']);
    expect(informer.getIndexer().byIndex('name', 'b').map(id)).toEqual(['b@2']);
    expect(() => informer.addIndexers({ other: () => [] })).toThrow(InformerAlreadyStartedError);
  });

  it('stop() before sync rejects start(); no events after stop; no handlers or restart after stop', async () => {
    const { fake, informer } = setup([pod('a')]);
    fake.failLists(internalError('down'));
    const started = informer.start();
    informer.stop();
    await expect(started).rejects.toBeInstanceOf(InformerStoppedError);
    expect(() => informer.addEventHandler(recorder())).toThrow(InformerStoppedError);

    const other = setup([pod('a')]);
    const h = recorder();
    other.informer.addEventHandler(h);
    await other.informer.start();
    other.informer.stop();
    other.fake.add(pod('b'));
    await flushMicrotasks();
    expect(h.events).toEqual(['add a@1 initial']);
    expect(other.fake.activeWatches).toBe(0);
  });

  it('remove() stops delivery to that handler only', async () => {
    const { fake, informer } = setup();
    const kept = recorder();
    const removed = recorder();
    informer.addEventHandler(kept);
    const reg = informer.addEventHandler(removed);
    await informer.start();
    reg.remove();
    fake.add(pod('a'));
    await flushMicrotasks();
    expect(kept.events).toEqual(['add a@1']);
    expect(removed.events).toEqual([]);
  });

  it('applies its transform to every object before the cache and the handlers (stripManagedFields)', async () => {
    const mf: { managedFields: ManagedFieldsEntry[] } = { managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }] };
    const seeded = pod('a', {});
    seeded.metadata = { ...seeded.metadata, ...mf };
    const { fake, informer } = setup([seeded], { transform: stripManagedFields });
    const seen: KubeObject[] = [];
    informer.addEventHandler({ onAdd: (o) => void seen.push(o), onUpdate: (_a, b) => void seen.push(b), onDelete: (o) => void seen.push(o) });
    await informer.start();
    const b = pod('b', { spec: { x: 1 } });
    b.metadata = { ...b.metadata, ...mf };
    fake.add(b);
    fake.update({ ...fake.get('default/b')!, spec: { x: 2 } });
    fake.delete('default/a');
    await flushMicrotasks();
    expect(seen.map((o) => `${o.metadata.name} ${o.metadata.managedFields === undefined}`)).toEqual(['a true', 'b true', 'b true', 'a true']);
    expect(informer.getIndexer().list().map((o) => 'managedFields' in o.metadata)).toEqual([false]);
    // The lister-watcher's own objects are left as they were.
    expect(fake.get('default/b')!.metadata.managedFields).toHaveLength(1);
  });
});
