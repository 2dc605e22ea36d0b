import type { ApiError, Status } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../client/client.js';
import { flushMicrotasks } from '../clock/fake-clock.js';
import type { AdmissionPlugin } from '../plugins/contribution-points.js';
import { DuplicateKindError } from './kind-registry.js';

import { GadgetKind, setup, type Widget, WidgetKind, widget as w } from './fixtures.js';


describe('KindRegistry', () => {
  it('refuses duplicates and resolves every name kubectl accepts', () => {
    const { kinds } = setup();
    expect(() => kinds.register(WidgetKind)).toThrow(DuplicateKindError);
    expect(() => kinds.register({ ...WidgetKind, kind: 'Other' })).toThrow(/resource widgets.example.com \(v1 Widget, v1 Other\)/);
    for (const n of ['widgets', 'widget', 'Widget', 'wd', 'widgets.example.com']) expect(kinds.resolve(n)).toBe(WidgetKind);
    expect(kinds.resolve('nope')).toBeUndefined();
    expect(kinds.get({ apiVersion: 'example.com/v1', kind: 'Widget' })).toBe(WidgetKind);
    expect(() => kinds.get({ apiVersion: 'v1', kind: 'Nope' })).toThrow(/could not find the requested resource/);
  });
});

describe('create', () => {
  it('fills in uid, timestamps, generation, resourceVersion and defaults', async () => {
    const { widgets, clock } = setup();
    const created = await widgets.create(w('a', { spec: { size: 1 } }));
    expect(created.metadata).toMatchObject({ name: 'a', namespace: 'default', generation: 1, creationTimestamp: new Date(clock.now()).toISOString().replace('.000', '') });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.spec?.color).toBe('blue');
    await expect(widgets.create(w('a'))).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'widgets.example.com "a" already exists' });
  });

  it('generates names and validates them', async () => {
    const { widgets } = setup();
    const g = await widgets.create({ ...w(''), metadata: { generateName: 'web-' } });
    expect(g.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const e = (await widgets.create(w('Bad_Name')).catch((x: ApiError) => x)) as ApiError;
    expect(e.code).toBe(422);
    expect(e.message).toMatch(/^Widget.example.com "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    await expect(widgets.create(w(''))).rejects.toMatchObject({ code: 422, message: expect.stringContaining('name or generateName is required') });
    await expect(widgets.create(w('neg', { spec: { size: -1 } }))).rejects.toMatchObject({ code: 422, status: { details: { causes: [{ field: 'spec.size' }] } } });
    await expect(widgets.create(w('x', { metadata: { name: 'x', labels: { '-no': 'x' } } }))).rejects.toMatchObject({ code: 422 });
  });

  it('requires a namespace for namespaced kinds and drops it for cluster-scoped ones', async () => {
    const { client } = setup();
    await expect(client.create(w('a'))).rejects.toMatchObject({ code: 400 });
    await expect(client.create(w('a', { metadata: { name: 'a', namespace: 'x' } }), { namespace: 'y' })).rejects.toMatchObject({ code: 400 });
    const g = await client.create({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'ignored' } });
    expect(g.metadata.namespace).toBeUndefined();
  });

  it('dry run validates without writing', async () => {
    const { widgets } = setup();
    const out = await widgets.create(w('d'), { dryRun: true });
    expect(out.metadata.name).toBe('d');
    await expect(widgets.get('d')).rejects.toMatchObject({ code: 404, message: 'widgets.example.com "d" not found' });
  });
});

describe('update', () => {
  it('rejects a stale resourceVersion with the familiar conflict', async () => {
    const { widgets } = setup();
    const a = await widgets.create(w('a'));
    await widgets.update({ ...a, spec: { size: 2 } });
    await expect(widgets.update({ ...a, spec: { size: 3 } })).rejects.toMatchObject({
      code: 409,
      message: 'Operation cannot be fulfilled on widgets.example.com "a": the object has been modified; please apply your changes to the latest version and try again',
    });
    const unconditional = await widgets.update({ ...a, metadata: { ...a.metadata, resourceVersion: undefined }, spec: { size: 4 } });
    expect(unconditional.spec?.size).toBe(4);
  });

  it('bumps generation on spec changes only, and keeps system fields', async () => {
    const { widgets } = setup();
    const a = await widgets.create(w('a'));
    await expect(widgets.update({ ...a, metadata: { ...a.metadata, uid: 'forged' } })).rejects.toMatchObject({
      code: 422,
      message: 'Widget.example.com "a" is invalid: metadata.uid: Invalid value: "forged": field is immutable',
    });
    const labelled = await widgets.update({ ...a, metadata: { ...a.metadata, labels: { x: 'y' }, uid: undefined, creationTimestamp: '2000-01-01T00:00:00Z' } });
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.metadata.uid).toBe(a.metadata.uid);
    expect(labelled.metadata.creationTimestamp).toBe(a.metadata.creationTimestamp);
    const resized = await widgets.update({ ...labelled, spec: { size: 9 } });
    expect(resized.metadata.generation).toBe(2);
  });

  it('splits main resource and status subresource', async () => {
    const { widgets } = setup();
    const a = await widgets.create(w('a'));
    const ignored = await widgets.update({ ...a, status: { ready: true } });
    expect(ignored.status).toBeUndefined();
    expect(ignored.metadata.resourceVersion).toBe(a.metadata.resourceVersion); // a no-op writes nothing
    const st = await widgets.updateStatus({ ...a, spec: { size: 100 }, status: { ready: true } });
    expect(st.status).toEqual({ ready: true });
    expect(st.spec?.size).toBeUndefined();
    expect(st.metadata.generation).toBe(1);
  });

  it('applies merge and JSON patches, status patches, and rejects unsupported types', async () => {
    const { widgets } = setup();
    await widgets.create(w('a', { spec: { size: 1 }, metadata: { name: 'a', labels: { keep: 'me', drop: 'me' } } }));
    const m = await widgets.patch('a', 'merge', { metadata: { labels: { drop: null } }, spec: { size: 5 } });
    expect(m.metadata.labels).toEqual({ keep: 'me' });
    expect(m.spec).toEqual({ size: 5, color: 'blue' });
    const j = await widgets.patch('a', 'json', [{ op: 'test', path: '/spec/size', value: 5 }, { op: 'replace', path: '/spec/size', value: 6 }]);
    expect(j.spec?.size).toBe(6);
    await expect(widgets.patch('a', 'json', [{ op: 'test', path: '/spec/size', value: 1 }])).rejects.toMatchObject({ code: 422 });
    const s = await widgets.patch('a', 'merge', { status: { ready: true }, spec: { size: 0 } }, { subresource: 'status' });
    expect(s.status?.ready).toBe(true);
    expect(s.spec?.size).toBe(6);
    await expect(widgets.patch('a', 'merge', { metadata: { resourceVersion: '1' } })).rejects.toMatchObject({ code: 409 });
    await expect(widgets.patch('a', 'apply', {})).rejects.toMatchObject({ code: 422, message: expect.stringContaining('fieldManager: Required value') });
    await expect(widgets.patch('zz', 'merge', {})).rejects.toMatchObject({ code: 404 });
  });
});

describe('delete', () => {
  it('deletes, honours preconditions, and returns a Success status', async () => {
    const { widgets } = setup();
    const a = await widgets.create(w('a'));
    await expect(widgets.delete('a', { preconditions: { uid: 'other' } })).rejects.toMatchObject({ code: 409, message: expect.stringContaining('the UID in the precondition (other) does not match the UID in record') });
    await expect(widgets.delete('a', { preconditions: { resourceVersion: '1000' } })).rejects.toMatchObject({ code: 409 });
    const st = (await widgets.delete('a', { preconditions: { uid: a.metadata.uid } })) as Status;
    expect(st).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'a', kind: 'widgets', uid: a.metadata.uid } });
    await expect(widgets.get('a')).rejects.toMatchObject({ code: 404 });
    await expect(widgets.delete('a')).rejects.toMatchObject({ code: 404 });
  });

  it('keeps objects with finalizers until the last one is removed', async () => {
    const { widgets } = setup();
    await widgets.create(w('f', { metadata: { name: 'f', finalizers: ['example.com/cleanup'] } }));
    const pending = (await widgets.delete('f')) as Widget;
    expect(pending.metadata.deletionTimestamp).toBeDefined();
    expect(pending.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(((await widgets.delete('f')) as Widget).metadata.resourceVersion).toBe(pending.metadata.resourceVersion);
    const cur = await widgets.get('f');
    const deleted = await widgets.update({ ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    expect(deleted.metadata.name).toBe('f');
    await expect(widgets.get('f')).rejects.toMatchObject({ code: 404 });
  });

  it('turns Orphan and Foreground propagation into finalizers for the garbage collector', async () => {
    const { widgets } = setup();
    await widgets.create(w('o'));
    await widgets.create(w('g'));
    expect(((await widgets.delete('o', { propagationPolicy: 'Orphan' })) as Widget).metadata.finalizers).toEqual(['orphan']);
    expect(((await widgets.delete('g', { propagationPolicy: 'Foreground' })) as Widget).metadata.finalizers).toEqual(['foregroundDeletion']);
    await widgets.create(w('dry'));
    await widgets.delete('dry', { dryRun: ['All'] });
    expect((await widgets.get('dry')).metadata.name).toBe('dry');
  });
});

describe('list', () => {
  it('filters by label and field selectors and rejects unknown fields', async () => {
    const { widgets } = setup();
    await widgets.create(w('a', { metadata: { name: 'a', labels: { app: 'x' } }, spec: { color: 'red' } }));
    await widgets.create(w('b', { metadata: { name: 'b', labels: { app: 'y' } } }));
    expect((await widgets.list({ labelSelector: 'app=x' })).items.map((i) => i.metadata.name)).toEqual(['a']);
    expect((await widgets.list({ labelSelector: 'app notin (x)' })).items.map((i) => i.metadata.name)).toEqual(['b']);
    expect((await widgets.list({ fieldSelector: 'spec.color=blue' })).items.map((i) => i.metadata.name)).toEqual(['b']);
    expect((await widgets.list({ fieldSelector: 'metadata.name!=a' })).items.map((i) => i.metadata.name)).toEqual(['b']);
    await expect(widgets.list({ fieldSelector: 'spec.size=1' })).rejects.toMatchObject({ code: 400, message: 'field label not supported: spec.size' });
    await expect(widgets.list({ labelSelector: 'a in (' })).rejects.toMatchObject({ code: 400 });
    const list = await widgets.list();
    expect(list).toMatchObject({ apiVersion: 'example.com/v1', kind: 'WidgetList' });
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(0);
  });

  it('paginates over a consistent snapshot, with remainingItemCount', async () => {
    const { widgets } = setup();
    for (let i = 0; i < 25; i++) await widgets.create(w(`w${String(i).padStart(2, '0')}`));
    const p1 = await widgets.list({ limit: 10 });
    expect(p1.items).toHaveLength(10);
    expect(p1.metadata.remainingItemCount).toBe(15);
    await widgets.create(w('w99')); // not in the snapshot
    await widgets.delete('w15');
    const p2 = await widgets.list({ limit: 10, continue: p1.metadata.continue });
    const p3 = await widgets.list({ limit: 10, continue: p2.metadata.continue });
    expect(p3.metadata.continue).toBeUndefined();
    const names = [...p1.items, ...p2.items, ...p3.items].map((i) => i.metadata.name);
    expect(names).toEqual(Array.from({ length: 25 }, (_, i) => `w${String(i).padStart(2, '0')}`));
    expect(p2.metadata.resourceVersion).toBe(p1.metadata.resourceVersion);
  });

  it('answers 410 for a continue token older than compaction', async () => {
    const { widgets, store } = setup();
    for (let i = 0; i < 5; i++) await widgets.create(w(`w${i}`));
    const p1 = await widgets.list({ limit: 2 });
    await widgets.create(w('later'));
    await store.compact(await store.currentRevision());
    await expect(widgets.list({ limit: 2, continue: p1.metadata.continue })).rejects.toMatchObject({ code: 410, reason: 'Expired', message: expect.stringContaining('continue parameter is too old') });
  });
});

describe('watch', () => {
  function recorder() {
    const events: WatchEvent<Widget>[] = [];
    return { events, handler: (e: WatchEvent<Widget>) => events.push(e), summary: () => events.map((e) => `${e.type} ${(e.object as Widget).metadata.name ?? ''}`) };
  }

  it('starts with the current state, then reports changes in order', async () => {
    const { widgets } = setup();
    await widgets.create(w('a'));
    const r = recorder();
    const h = await widgets.watch({}, r.handler);
    const b = await widgets.create(w('b'));
    await widgets.update({ ...b, spec: { size: 3 } });
    await widgets.delete('a');
    await flushMicrotasks();
    expect(r.summary()).toEqual(['ADDED a', 'ADDED b', 'MODIFIED b', 'DELETED a']);
    h.stop();
    await h.done;
  });

  it('resumes after a resourceVersion and turns selector transitions into ADDED/DELETED', async () => {
    const { widgets } = setup();
    const a = await widgets.create(w('a', { metadata: { name: 'a', labels: { app: 'x' } } }));
    const r = recorder();
    const h = await widgets.watch({ resourceVersion: a.metadata.resourceVersion, labelSelector: 'app=x' }, r.handler);
    const moved = await widgets.patch('a', 'merge', { metadata: { labels: { app: 'y' } } });
    await widgets.patch('a', 'merge', { metadata: { labels: { app: 'x' } } });
    await widgets.create(w('other', { metadata: { name: 'other', labels: { app: 'z' } } }));
    await flushMicrotasks();
    expect(r.summary()).toEqual(['DELETED a', 'ADDED a']);
    expect((r.events[0]!.object as Widget).metadata.resourceVersion).toBe(moved.metadata.resourceVersion);
    h.stop();
  });

  it('sends bookmarks when allowed and ends at timeoutSeconds', async () => {
    const { widgets, clock } = setup();
    const r = recorder();
    const h = await widgets.watch({ resourceVersion: '0', allowWatchBookmarks: true, timeoutSeconds: 120 }, r.handler);
    await clock.advance(60_000);
    expect(r.events.map((e) => e.type)).toEqual(['BOOKMARK']);
    let ended = false;
    void h.done.then(() => (ended = true));
    await clock.advance(60_000);
    expect(ended).toBe(true);
  });

  it('answers 410 Expired for compacted history', async () => {
    const { widgets, store } = setup();
    const a = await widgets.create(w('a'));
    await widgets.update({ ...a, spec: { size: 1 } });
    await store.compact(await store.currentRevision());
    await expect(widgets.watch({ resourceVersion: a.metadata.resourceVersion }, () => {})).rejects.toMatchObject({ code: 410, reason: 'Expired', message: expect.stringMatching(/^too old resource version/) });
  });
});

describe('admission', () => {
  it('runs mutating then validating plugins, filtered by operation and resource', async () => {
    const calls: string[] = [];
    const { widgets, client } = setup([
      { name: 'label', operations: ['CREATE'], resources: ['example.com/widgets'], mutate: (req) => void (calls.push('mutate'), (req.object.metadata.labels = { injected: 'yes' })) },
      {
        name: 'deny',
        validate: (req) => {
          calls.push(`validate ${req.operation}`);
          if (req.object.metadata.name === 'forbidden') throw Object.assign(new Error('denied'), { code: 403 });
        },
      },
    ]);
    const a = await widgets.create(w('a'));
    expect(a.metadata.labels).toEqual({ injected: 'yes' });
    await expect(widgets.create(w('forbidden'))).rejects.toThrow('denied');
    await client.create({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g' } });
    expect(calls).toEqual(['mutate', 'validate CREATE', 'mutate', 'validate CREATE', 'validate CREATE']);
  });
});
