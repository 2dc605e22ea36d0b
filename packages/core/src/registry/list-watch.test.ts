import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../client/client.js';
import { flushMicrotasks } from '../clock/fake-clock.js';
import { BOOKMARK_INTERVAL_MS } from './list-watch.js';
import { setup, type Widget, widget } from './fixtures.js';

function recorder() {
  const events: WatchEvent<Widget>[] = [];
  return {
    events,
    handler: (e: WatchEvent<Widget>) => void events.push(e),
    summary: () => events.map((e) => `${e.type} ${(e.object as Widget).metadata.name ?? ''}`),
  };
}

const names = (l: { items: Widget[] }) => l.items.map((i) => i.metadata.name);

describe('list', () => {
  it('always sets the list resourceVersion, and answers 504 for one the store has not reached', async () => {
    const { widgets, store } = setup();
    expect((await widgets.list()).metadata.resourceVersion).toBe(String(await store.currentRevision()));
    await widgets.create(widget('a'));
    const current = await store.currentRevision();
    expect((await widgets.list({ resourceVersion: '0' })).metadata.resourceVersion).toBe(String(current));
    expect(names(await widgets.list({ resourceVersion: String(current) }))).toEqual(['a']);
    await expect(widgets.list({ resourceVersion: String(current + 5) })).rejects.toMatchObject({ code: 504, message: `Too large resource version: ${current + 5}, current: ${current}` });
    await expect(widgets.list({ resourceVersion: 'abc' })).rejects.toMatchObject({ code: 400 });
  });

  it('reads an exact older snapshot, and 410 once it is compacted', async () => {
    const { widgets, store } = setup();
    const a = await widgets.create(widget('a'));
    await widgets.create(widget('b'));
    expect(names(await widgets.list({ resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' }))).toEqual(['a']);
    await store.compact(await store.currentRevision());
    await expect(widgets.list({ resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' })).rejects.toMatchObject({ code: 410 });
  });

  it('paginates a filtered list without remainingItemCount, and only within the namespace', async () => {
    const { widgets } = setup();
    for (let i = 0; i < 9; i++) await widgets.create(widget(`w${i}`, { metadata: { name: `w${i}`, labels: { even: String(i % 2 === 0) } } }));
    await widgets.namespace('other').create(widget('w0', { metadata: { name: 'w0', labels: { even: 'true' } } }));
    const p1 = await widgets.list({ labelSelector: 'even=true', limit: 2 });
    expect(names(p1)).toEqual(['w0', 'w2']);
    expect(p1.metadata.remainingItemCount).toBeUndefined();
    const p2 = await widgets.list({ labelSelector: 'even=true', limit: 2, continue: p1.metadata.continue });
    const p3 = await widgets.list({ labelSelector: 'even=true', limit: 2, continue: p2.metadata.continue });
    expect([...names(p2), ...names(p3)]).toEqual(['w4', 'w6', 'w8']);
    expect(p3.metadata.continue).toBeUndefined();
    await expect(widgets.list({ limit: 2, continue: 'garbage' })).rejects.toMatchObject({ code: 400 });
  });

  it('lists across namespaces through the unbound view', async () => {
    const { client, widgets } = setup();
    await widgets.create(widget('a'));
    await widgets.namespace('other').create(widget('b'));
    const all = await client.list<Widget>({ apiVersion: 'example.com/v1', kind: 'Widget' });
    expect(all.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['default/a', 'other/b']);
    expect(names(await widgets.list({ fieldSelector: 'metadata.namespace=default' }))).toEqual(['a']);
  });
});

describe('watch', () => {
  it('carries the last state and the deletion resourceVersion on DELETED', async () => {
    const { widgets, store } = setup();
    const a = await widgets.create(widget('a', { spec: { size: 3 } }));
    const r = recorder();
    const h = await widgets.watch({ resourceVersion: a.metadata.resourceVersion }, r.handler);
    await widgets.delete('a');
    await flushMicrotasks();
    expect(r.summary()).toEqual(['DELETED a']);
    const gone = r.events[0]!.object as Widget;
    expect(gone.spec?.size).toBe(3);
    expect(gone.metadata.resourceVersion).toBe(String(await store.currentRevision()));
    h.stop();
    await h.done;
  });

  it('starts after the given resourceVersion, so earlier changes are not replayed', async () => {
    const { widgets } = setup();
    await widgets.create(widget('a'));
    const b = await widgets.create(widget('b'));
    const c = await widgets.create(widget('c'));
    const r = recorder();
    const h = await widgets.watch({ resourceVersion: b.metadata.resourceVersion }, r.handler);
    await widgets.update({ ...c, spec: { size: 1 } });
    await flushMicrotasks();
    expect(r.summary()).toEqual(['ADDED c', 'MODIFIED c']);
    h.stop();
  });

  it('turns field selector transitions into ADDED and DELETED', async () => {
    const { widgets } = setup();
    const r = recorder();
    const h = await widgets.watch({ fieldSelector: 'spec.color=red' }, r.handler);
    await widgets.create(widget('a'));
    await widgets.patch('a', 'merge', { spec: { color: 'red' } });
    await widgets.patch('a', 'merge', { spec: { size: 2 } });
    const left = await widgets.patch('a', 'merge', { spec: { color: 'green' } });
    await widgets.delete('a');
    await flushMicrotasks();
    expect(r.summary()).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
    // The DELETED for leaving the selection shows the object as it last matched, at the new version.
    const deleted = r.events[2]!.object as Widget;
    expect(deleted.spec?.color).toBe('red');
    expect(deleted.metadata.resourceVersion).toBe(left.metadata.resourceVersion);
    h.stop();
  });

  it('watches one namespace only', async () => {
    const { widgets } = setup();
    const r = recorder();
    const h = await widgets.watch({}, r.handler);
    await widgets.namespace('other').create(widget('x'));
    await widgets.create(widget('y'));
    await flushMicrotasks();
    expect(r.summary()).toEqual(['ADDED y']);
    h.stop();
  });

  it('sends bookmarks with only kind, apiVersion and resourceVersion, and the initial-events-end bookmark', async () => {
    const { widgets, clock, store } = setup();
    await widgets.create(widget('a'));
    const r = recorder();
    const h = await widgets.watch({ sendInitialEvents: true, allowWatchBookmarks: true, resourceVersion: '' }, r.handler);
    await flushMicrotasks();
    const rv = String(await store.currentRevision());
    expect(r.summary()).toEqual(['ADDED a', 'BOOKMARK ']);
    expect(r.events[1]!.object).toEqual({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { resourceVersion: rv, annotations: { 'k8s.io/initial-events-end': 'true' } } });
    await clock.advance(BOOKMARK_INTERVAL_MS);
    expect(r.events[2]).toEqual({ type: 'BOOKMARK', object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { resourceVersion: rv } } });
    h.stop();
  });

  it('sends no bookmarks unless asked', async () => {
    const { widgets, clock } = setup();
    const r = recorder();
    const h = await widgets.watch({}, r.handler);
    await clock.advance(5 * BOOKMARK_INTERVAL_MS);
    expect(r.events).toEqual([]);
    h.stop();
  });

  it('stops delivering after stop() and resolves done', async () => {
    const { widgets } = setup();
    const r = recorder();
    const h = await widgets.watch({}, r.handler);
    h.stop();
    await h.done;
    await widgets.create(widget('late'));
    await flushMicrotasks();
    expect(r.events).toEqual([]);
  });

  it('answers 410 with both versions for a compacted start, and 504 for a future one', async () => {
    const { widgets, store } = setup();
    const a = await widgets.create(widget('a'));
    await widgets.create(widget('b'));
    const compacted = await store.currentRevision();
    await store.compact(compacted);
    await expect(widgets.watch({ resourceVersion: a.metadata.resourceVersion }, () => {})).rejects.toMatchObject({
      code: 410,
      reason: 'Expired',
      message: `too old resource version: ${a.metadata.resourceVersion} (${compacted})`,
    });
    await expect(widgets.watch({ resourceVersion: String(compacted + 10) }, () => {})).rejects.toMatchObject({ code: 504 });
  });

  it('gives each watcher its own copies', async () => {
    const { widgets } = setup();
    const r1 = recorder();
    const r2 = recorder();
    const h1 = await widgets.watch({}, r1.handler);
    const h2 = await widgets.watch({}, r2.handler);
    await widgets.create(widget('a'));
    await flushMicrotasks();
    (r1.events[0]!.object as Widget).metadata.name = 'mutated';
    expect((r2.events[0]!.object as Widget).metadata.name).toBe('a');
    h1.stop();
    h2.stop();
  });
});
