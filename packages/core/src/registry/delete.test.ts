import type { KubeObject, Status } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../client/client.js';
import { flushMicrotasks } from '../clock/fake-clock.js';
import { setup, type Sprocket, type Widget, widget } from './fixtures.js';

const sprocket = (name: string, extra: Partial<Sprocket> = {}): Sprocket => ({ apiVersion: 'example.com/v1', kind: 'Sprocket', metadata: { name }, ...extra });
const isStatus = (x: unknown): x is Status => (x as Status).kind === 'Status';

describe('delete: finalizers', () => {
  it('sets deletionTimestamp once, bumps generation once, and is idempotent while finalizers remain', async () => {
    const { widgets, clock, store } = setup();
    await widgets.create(widget('f', { metadata: { name: 'f', finalizers: ['example.com/cleanup'] } }));
    const pending = (await widgets.delete('f')) as Widget;
    expect(pending.metadata).toMatchObject({ deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 0, generation: 2, finalizers: ['example.com/cleanup'] });
    await clock.advance(5000);
    const rev = await store.currentRevision();
    const again = (await widgets.delete('f')) as Widget;
    expect(again).toEqual(pending);
    expect(await store.currentRevision()).toBe(rev);
  });

  it('forbids adding finalizers to an object being deleted, and deletes it when the last one goes', async () => {
    const { widgets } = setup();
    await widgets.create(widget('f', { metadata: { name: 'f', finalizers: ['a.io/x', 'a.io/y'] } }));
    const events: string[] = [];
    const h = await widgets.watch({ resourceVersion: (await widgets.get('f')).metadata.resourceVersion }, (e) => events.push(`${e.type} ${(e.object as Widget).metadata.finalizers?.join('+') ?? '-'}`));
    const pending = (await widgets.delete('f')) as Widget;
    await expect(widgets.update({ ...pending, metadata: { ...pending.metadata, finalizers: ['a.io/x', 'a.io/y', 'a.io/z'] } })).rejects.toMatchObject({
      code: 422,
      message: 'Widget.example.com "f" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.io/z"}',
    });
    const one = await widgets.patch('f', 'json', [{ op: 'remove', path: '/metadata/finalizers/0' }]);
    expect(one.metadata.finalizers).toEqual(['a.io/y']);
    const last = await widgets.patch('f', 'merge', { metadata: { finalizers: null } });
    expect(last.metadata.name).toBe('f');
    await expect(widgets.get('f')).rejects.toMatchObject({ code: 404 });
    await flushMicrotasks();
    expect(events).toEqual(['MODIFIED a.io/x+a.io/y', 'MODIFIED a.io/y', 'DELETED a.io/y']);
    h.stop();
  });

  it('rejects invalid finalizer names and delete options', async () => {
    const { widgets } = setup();
    await expect(widgets.create(widget('f', { metadata: { name: 'f', finalizers: ['not a name'] } }))).rejects.toMatchObject({ code: 422, message: expect.stringContaining('metadata.finalizers[0]: Invalid value: "not a name"') });
    await widgets.create(widget('g'));
    await expect(widgets.delete('g', { propagationPolicy: 'Sideways' as never })).rejects.toMatchObject({
      code: 422,
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan"',
    });
    await expect(widgets.delete('g', { dryRun: ['Some'] })).rejects.toMatchObject({ code: 422 });
  });

  it('refuses to create over an object that is being deleted, saying so', async () => {
    const { widgets } = setup();
    await widgets.create(widget('f', { metadata: { name: 'f', finalizers: ['a.io/x'] } }));
    await widgets.delete('f');
    await expect(widgets.create(widget('f'))).rejects.toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'object is being deleted: widgets.example.com "f" already exists' });
  });
});

describe('delete: propagation policy', () => {
  it.each([
    { had: [], policy: 'Orphan', want: ['orphan'] },
    { had: [], policy: 'Foreground', want: ['foregroundDeletion'] },
    { had: ['a.io/x'], policy: 'Orphan', want: ['a.io/x', 'orphan'] },
    { had: ['foregroundDeletion'], policy: 'Orphan', want: ['orphan'] },
    { had: ['orphan'], policy: 'Foreground', want: ['foregroundDeletion'] },
    { had: ['orphan', 'a.io/x'], policy: 'Background', want: ['a.io/x'] },
    { had: ['foregroundDeletion', 'a.io/x'], policy: 'Background', want: ['a.io/x'] },
    { had: ['orphan'], policy: undefined, want: ['orphan'] },
    { had: ['foregroundDeletion'], policy: undefined, want: ['foregroundDeletion'] },
  ] as const)('$policy on finalizers $had → $want', async ({ had, policy, want }) => {
    const { widgets } = setup();
    await widgets.create(widget('o', { metadata: { name: 'o', finalizers: [...had] } }));
    const out = (await widgets.delete('o', { propagationPolicy: policy })) as Widget;
    expect(out.metadata.finalizers).toEqual(want);
    expect(out.metadata.deletionTimestamp).toBeDefined();
  });

  it('deletes at once when Background removes the only finalizers, or when there were none', async () => {
    const { widgets } = setup();
    await widgets.create(widget('a', { metadata: { name: 'a', finalizers: ['orphan'] } }));
    expect(isStatus(await widgets.delete('a', { propagationPolicy: 'Background' }))).toBe(true);
    await widgets.create(widget('b'));
    expect(isStatus(await widgets.delete('b', { propagationPolicy: 'Background' }))).toBe(true);
    await expect(widgets.get('a')).rejects.toMatchObject({ code: 404 });
  });

  it('lets a second delete change the policy of an object already waiting for finalizers', async () => {
    const { widgets } = setup();
    await widgets.create(widget('a', { metadata: { name: 'a', finalizers: ['a.io/x'] } }));
    const first = (await widgets.delete('a')) as Widget;
    const second = (await widgets.delete('a', { propagationPolicy: 'Orphan' })) as Widget;
    expect(second.metadata.finalizers).toEqual(['a.io/x', 'orphan']);
    expect(second.metadata.deletionTimestamp).toBe(first.metadata.deletionTimestamp);
    expect(second.metadata.generation).toBe(first.metadata.generation);
  });
});

describe('delete: preconditions and dry run', () => {
  it('checks uid and resourceVersion preconditions with kube messages', async () => {
    const { widgets } = setup();
    const a = await widgets.create(widget('a'));
    await expect(widgets.delete('a', { preconditions: { resourceVersion: '999' } })).rejects.toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on widgets.example.com "a": the ResourceVersion in the precondition (999) does not match the ResourceVersion in record (${a.metadata.resourceVersion}). The object might have been modified`,
    });
    expect(isStatus(await widgets.delete('a', { preconditions: { resourceVersion: a.metadata.resourceVersion, uid: a.metadata.uid } }))).toBe(true);
  });

  it('dry runs every kind of delete without writing', async () => {
    const { widgets, store } = setup();
    await widgets.create(widget('plain'));
    await widgets.create(widget('fin', { metadata: { name: 'fin', finalizers: ['a.io/x'] } }));
    const rev = await store.currentRevision();
    expect(isStatus(await widgets.delete('plain', { dryRun: ['All'] }))).toBe(true);
    const fin = (await widgets.delete('fin', { dryRun: ['All'], propagationPolicy: 'Orphan' })) as Widget;
    expect(fin.metadata).toMatchObject({ finalizers: ['a.io/x', 'orphan'], deletionTimestamp: expect.any(String) });
    expect(await store.currentRevision()).toBe(rev);
    expect((await widgets.get('fin')).metadata.deletionTimestamp).toBeUndefined();
  });
});

describe('delete: graceful deletion (kinds with gracefulDeletion)', () => {
  it('sets a deadline, keeps the object, only shortens, and goes at grace 0', async () => {
    const { sprockets, clock } = setup();
    const start = clock.now();
    await sprockets.create(sprocket('s'));
    const pending = (await sprockets.delete('s')) as Sprocket;
    expect(pending.metadata).toMatchObject({ deletionGracePeriodSeconds: 30, generation: 2 });
    expect(Date.parse(pending.metadata.deletionTimestamp!)).toBe(start + 30_000);
    // A longer or unspecified period changes nothing.
    expect(await sprockets.delete('s', { gracePeriodSeconds: 60 })).toEqual(pending);
    expect(await sprockets.delete('s', { propagationPolicy: 'Orphan' })).toEqual(pending);
    await clock.advance(5000);
    const shorter = (await sprockets.delete('s', { gracePeriodSeconds: 10 })) as Sprocket;
    expect(shorter.metadata.deletionGracePeriodSeconds).toBe(10);
    expect(Date.parse(shorter.metadata.deletionTimestamp!)).toBe(start + 10_000);
    expect(shorter.metadata.generation).toBe(2);
    // A status write during the grace period does not delete it.
    await sprockets.updateStatus({ ...shorter, status: { phase: 'Terminating' } });
    expect((await sprockets.get('s')).status).toEqual({ phase: 'Terminating' });
    expect(isStatus(await sprockets.delete('s', { gracePeriodSeconds: 0 }))).toBe(true);
    await expect(sprockets.get('s')).rejects.toMatchObject({ code: 404 });
  });

  it('deletes at once when the kind resolves the period to 0, and treats negative periods as 1', async () => {
    const { sprockets } = setup();
    await sprockets.create(sprocket('zero', { spec: { terminationGracePeriodSeconds: 0 } }));
    expect(isStatus(await sprockets.delete('zero'))).toBe(true);
    await sprockets.create(sprocket('neg'));
    expect(((await sprockets.delete('neg', { gracePeriodSeconds: -5 })) as KubeObject).metadata.deletionGracePeriodSeconds).toBe(1);
  });

  it('combines with finalizers: the object stays until both the grace period and the finalizers are done', async () => {
    const { sprockets } = setup();
    await sprockets.create(sprocket('s', { metadata: { name: 's', finalizers: ['a.io/x'] } }));
    const pending = (await sprockets.delete('s', { gracePeriodSeconds: 30 })) as Sprocket;
    // Finalizers gone, grace period still running: the object stays.
    const cleared = await sprockets.patch('s', 'merge', { metadata: { finalizers: null } });
    expect(cleared.metadata.deletionTimestamp).toBe(pending.metadata.deletionTimestamp);
    expect((await sprockets.get('s')).metadata.finalizers).toBeUndefined();
    expect(isStatus(await sprockets.delete('s', { gracePeriodSeconds: 0 }))).toBe(true);

    // Grace 0 with finalizers: marked as deleting; removing the finalizer deletes it.
    await sprockets.create(sprocket('t', { metadata: { name: 't', finalizers: ['a.io/x'] } }));
    const t = (await sprockets.delete('t', { gracePeriodSeconds: 0 })) as Sprocket;
    expect(t.metadata.deletionGracePeriodSeconds).toBe(0);
    await sprockets.patch('t', 'merge', { metadata: { finalizers: null } });
    await expect(sprockets.get('t')).rejects.toMatchObject({ code: 404 });
  });

  it('reports the pending deletion to watchers as MODIFIED, then DELETED', async () => {
    const { sprockets } = setup();
    const created = await sprockets.create(sprocket('s'));
    const events: WatchEvent<Sprocket>[] = [];
    const h = await sprockets.watch({ resourceVersion: created.metadata.resourceVersion }, (e) => events.push(e));
    await sprockets.delete('s');
    await sprockets.delete('s', { gracePeriodSeconds: 0 });
    await flushMicrotasks();
    expect(events.map((e) => [e.type, (e.object as Sprocket).metadata.deletionGracePeriodSeconds])).toEqual([
      ['MODIFIED', 30],
      ['DELETED', 30],
    ]);
    h.stop();
  });
});

describe('deleteCollection', () => {
  it('deletes what the selectors match, with the same options, and returns the deleted objects as a list', async () => {
    const { widgets } = setup();
    await widgets.create(widget('a', { metadata: { name: 'a', labels: { app: 'x' } } }));
    await widgets.create(widget('b', { metadata: { name: 'b', labels: { app: 'x' }, finalizers: ['a.io/keep'] } }));
    await widgets.create(widget('c', { metadata: { name: 'c', labels: { app: 'y' } } }));
    const dry = await widgets.deleteCollection({ labelSelector: 'app=x', dryRun: ['All'] });
    expect(dry.items.map((w) => w.metadata.name)).toEqual(['a', 'b']);
    expect((await widgets.list()).items).toHaveLength(3);
    const out = await widgets.deleteCollection({ labelSelector: 'app=x' });
    expect(out.kind).toBe('WidgetList');
    expect(out.items.map((w) => [w.metadata.name, !!w.metadata.deletionTimestamp])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect((await widgets.list()).items.map((w) => w.metadata.name)).toEqual(['b', 'c']);
  });
});
