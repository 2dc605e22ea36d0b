import { describe, expect, it } from 'vitest';
import type { AdmissionRequest } from '../plugins/contribution-points.js';
import { GadgetKind, setup, type Widget, widget } from './fixtures.js';

describe('update', () => {
  it('writes nothing for a no-op, whatever the key order of the input', async () => {
    const { widgets, store } = setup();
    const a = await widgets.create(widget('a', { metadata: { name: 'a', labels: { x: '1', y: '2' } }, spec: { size: 1 } }));
    const rev = await store.currentRevision();
    const reordered: Widget = { spec: { color: 'blue', size: 1 }, metadata: { ...a.metadata, labels: { y: '2', x: '1' } }, kind: 'Widget', apiVersion: 'example.com/v1' };
    const out = await widgets.update(reordered);
    expect(out.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    expect(await store.currentRevision()).toBe(rev);
    const patched = await widgets.patch('a', 'merge', { metadata: { labels: { x: '1' } } });
    expect(patched.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
  });

  it('retries unconditional updates and merge patches on conflicts, and rejects stale pinned versions', async () => {
    const { widgets } = setup();
    const a = await widgets.create(widget('a'));
    await Promise.all(Array.from({ length: 8 }, (_, i) => widgets.patch('a', 'merge', { metadata: { labels: { [`l${i}`]: 'x' } } })));
    expect(Object.keys((await widgets.get('a')).metadata.labels ?? {})).toHaveLength(8);
    const unconditional = { ...a, metadata: { ...a.metadata, resourceVersion: undefined } };
    const results = await Promise.all([1, 2, 3].map((size) => widgets.update({ ...unconditional, spec: { size } })));
    expect(new Set(results.map((r) => r.metadata.resourceVersion)).size).toBe(3);
    const cur = await widgets.get('a');
    const [ok, stale] = await Promise.allSettled([widgets.update({ ...cur, spec: { size: 7 } }), widgets.update({ ...cur, spec: { size: 8 } })]);
    expect(ok.status).toBe('fulfilled');
    expect(stale).toMatchObject({ status: 'rejected', reason: { code: 409, reason: 'Conflict' } });
    await expect(widgets.patch('a', 'json', [{ op: 'replace', path: '/metadata/resourceVersion', value: cur.metadata.resourceVersion }])).rejects.toMatchObject({ code: 409 });
    const latest = await widgets.get('a');
    const pinned = await widgets.patch('a', 'merge', { metadata: { resourceVersion: latest.metadata.resourceVersion }, spec: { size: 9 } });
    expect(pinned.spec?.size).toBe(9);
  });

  it('counts generations from the stored object, including changes made by mutating admission', async () => {
    const { widgets } = setup([
      {
        name: 'grow',
        operations: ['UPDATE'],
        mutate: (req) => {
          if (req.object.metadata.labels?.grow) (req.object as Widget).spec = { ...(req.object as Widget).spec, size: 42 };
        },
      },
    ]);
    const a = await widgets.create(widget('a'));
    const forged = await widgets.update({ ...a, metadata: { ...a.metadata, generation: 99, labels: { plain: 'x' } } });
    expect(forged.metadata.generation).toBe(1);
    const grown = await widgets.update({ ...forged, metadata: { ...forged.metadata, labels: { grow: 'yes' } } });
    expect(grown.spec?.size).toBe(42);
    expect(grown.metadata.generation).toBe(2);
  });

  it('keeps status on the main resource and everything but status on /status', async () => {
    const { widgets } = setup();
    const a = await widgets.create(widget('a', { status: { phase: 'Ready' } }));
    expect(a.status).toEqual({ phase: 'Ready' }); // no prepareForCreate clears it in this kind
    const st = await widgets.updateStatus({ ...a, metadata: { ...a.metadata, labels: { ignored: 'yes' } }, status: { phase: 'Pending' } });
    expect(st.metadata.labels).toBeUndefined();
    expect(st.status).toEqual({ phase: 'Pending' });
    const main = await widgets.update({ ...st, status: { phase: 'Ready' }, spec: { size: 2 } });
    expect(main.status).toEqual({ phase: 'Pending' });
    expect(main.metadata.generation).toBe(2);
    const cleared = await widgets.updateStatus({ ...main, status: undefined });
    expect(cleared.status).toBeUndefined();
    expect(cleared.metadata.generation).toBe(2);
  });

  it('validates status writes with the kind validation', async () => {
    const { widgets } = setup();
    const a = await widgets.create(widget('a'));
    await expect(widgets.updateStatus({ ...a, status: { phase: 'Exploded' } })).rejects.toMatchObject({
      code: 422,
      message: 'Widget.example.com "a" is invalid: status.phase: Unsupported value: "Exploded": supported values: "Pending", "Ready"',
    });
    await expect(widgets.patch('a', 'merge', { status: { phase: 'Exploded' } }, { subresource: 'status' })).rejects.toMatchObject({ code: 422 });
  });

  it('serves /status only for kinds that declare it, and no other subresource', async () => {
    const { client } = setup();
    const g = await client.create({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g' } });
    await expect(client.updateStatus({ ...g, status: { x: 1 } })).rejects.toMatchObject({ code: 404 });
    await expect(client.patch(GadgetKind, 'g', 'merge', { status: { x: 1 } }, { subresource: 'status' })).rejects.toMatchObject({ code: 404 });
    await expect(client.resource<Widget>({ apiVersion: 'example.com/v1', kind: 'Widget' }, 'default').patch('a', 'merge', {}, { subresource: 'scale' })).rejects.toMatchObject({ code: 404 });
  });

  it('patches status only on the status subresource, whatever else the patch touches', async () => {
    const { widgets } = setup();
    await widgets.create(widget('a', { spec: { size: 1 } }));
    const out = await widgets.patch('a', 'json', [{ op: 'replace', path: '/spec/size', value: 5 }, { op: 'add', path: '/status', value: { phase: 'Ready' } }], { subresource: 'status' });
    expect(out.spec?.size).toBe(1);
    expect(out.status).toEqual({ phase: 'Ready' });
  });

  it('rejects renames, foreign namespaces and missing objects', async () => {
    const { widgets } = setup();
    const a = await widgets.create(widget('a'));
    await expect(widgets.update({ ...a, metadata: { ...a.metadata, name: 'b' } })).rejects.toMatchObject({ code: 404 });
    await expect(widgets.patch('a', 'merge', { metadata: { name: 'b' } })).rejects.toMatchObject({ code: 400 });
    // The object's own namespace addresses it: there is no "a" in "other".
    await expect(widgets.update({ ...a, metadata: { ...a.metadata, namespace: 'other' } })).rejects.toMatchObject({ code: 404 });
    await expect(widgets.update(widget('ghost'))).rejects.toMatchObject({ code: 404, message: 'widgets.example.com "ghost" not found' });
  });

  it('dry-run updates and patches validate and answer without writing', async () => {
    const { widgets, store } = setup();
    const a = await widgets.create(widget('a'));
    const rev = await store.currentRevision();
    const out = await widgets.update({ ...a, spec: { size: 3 } }, { dryRun: true });
    expect(out.spec?.size).toBe(3);
    expect(out.metadata.generation).toBe(2);
    await expect(widgets.update({ ...a, spec: { size: -1 } }, { dryRun: true })).rejects.toMatchObject({ code: 422 });
    expect((await widgets.patch('a', 'merge', { spec: { size: 4 } }, { dryRun: true })).spec?.size).toBe(4);
    expect(await store.currentRevision()).toBe(rev);
    expect((await widgets.get('a')).spec?.size).toBeUndefined();
  });

  it('hands admission the old object, the subresource and the dry-run flag', async () => {
    const seen: Pick<AdmissionRequest, 'operation' | 'subresource' | 'dryRun'>[] = [];
    const olds: (string | undefined)[] = [];
    const { widgets } = setup([
      {
        name: 'spy',
        validate: (req) => {
          seen.push({ operation: req.operation, subresource: req.subresource, dryRun: req.dryRun });
          olds.push(req.oldObject?.metadata.resourceVersion);
          expect(req.client).toBeDefined();
        },
      },
    ]);
    const a = await widgets.create(widget('a'));
    await widgets.update({ ...a, spec: { size: 1 } }, { dryRun: true });
    await widgets.updateStatus({ ...a, status: { phase: 'Ready' } });
    await widgets.delete('a');
    expect(seen).toEqual([
      { operation: 'CREATE', subresource: undefined, dryRun: false },
      { operation: 'UPDATE', subresource: undefined, dryRun: true },
      { operation: 'UPDATE', subresource: 'status', dryRun: false },
      { operation: 'DELETE', subresource: undefined, dryRun: false },
    ]);
    expect(olds.slice(0, 3)).toEqual([undefined, a.metadata.resourceVersion, a.metadata.resourceVersion]);
  });
});
