import { isNotFound, type KubeObject } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { flushMicrotasks } from '../clock/fake-clock.js';
import { GadgetKind, setup, type Widget, WidgetKind, widget } from '../registry/fixtures.js';
import type { WatchEvent } from './client.js';

describe('InProcessClient', () => {
  it('resolves kinds from the object for writes and from the reference for reads', async () => {
    const { client } = setup();
    const g = await client.create<KubeObject>({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g', labels: { a: 'b' } } });
    expect((await client.get(GadgetKind, 'g')).metadata.labels).toEqual({ a: 'b' });
    const updated = await client.update({ ...g, metadata: { ...g.metadata, labels: { a: 'c' } } });
    expect((await client.get({ apiVersion: 'v1', kind: 'Gadget' }, 'g')).metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
    await expect(client.create({ metadata: { name: 'x' } } as KubeObject)).rejects.toThrow(TypeError);
    const viaOpt = await client.create({ metadata: { name: 'y' } } as KubeObject, { kind: GadgetKind });
    expect(viaOpt).toMatchObject({ apiVersion: 'v1', kind: 'Gadget' });
    const unknown = await client.get({ apiVersion: 'nope/v1', kind: 'Nope' }, 'x').catch((e: unknown) => e);
    expect(isNotFound(unknown)).toBe(true);
  });

  it('binds resource views to a namespace and switches with namespace()', async () => {
    const { client } = setup();
    const inA = client.resource<Widget>(WidgetKind, 'a');
    const inB = inA.namespace('b');
    await inA.create(widget('w'));
    await inB.create(widget('w', { spec: { size: 2 } }));
    expect((await inA.get('w')).spec?.size).toBeUndefined();
    expect((await inB.get('w')).spec?.size).toBe(2);
    expect((await inB.list()).items).toHaveLength(1);
    expect((await client.resource<Widget>(WidgetKind).list()).items).toHaveLength(2);
    const patched = await inB.patch('w', 'merge', { spec: { size: 3 } });
    expect(patched.metadata.namespace).toBe('b');
    const fetched = await inA.get('w');
    await inA.update({ ...fetched, metadata: { ...fetched.metadata, namespace: undefined }, spec: { size: 9 } });
    expect((await inA.get('w')).spec?.size).toBe(9);
    await inB.delete('w');
    await expect(inB.get('w')).rejects.toMatchObject({ code: 404 });
    await expect(client.resource<Widget>(WidgetKind).get('w')).rejects.toMatchObject({ code: 400 });
  });

  it('never shares objects with callers', async () => {
    const { widgets } = setup();
    const input = widget('a', { spec: { size: 1 } });
    const created = await widgets.create(input);
    input.spec!.size = 100;
    created.spec!.size = 200;
    const got = await widgets.get('a');
    expect(got.spec?.size).toBe(1);
    got.spec!.size = 300;
    expect((await widgets.get('a')).spec?.size).toBe(1);
    expect(input.metadata.uid).toBeUndefined();
    const listed = await widgets.list();
    listed.items[0]!.metadata.name = 'changed';
    expect((await widgets.list()).items[0]!.metadata.name).toBe('a');
  });

  it('calls watch handlers after the write returns, in order, and resolves done when stopped or timed out', async () => {
    const { widgets, clock } = setup();
    const seen: string[] = [];
    let inWrite = false;
    const h = await widgets.watch({ timeoutSeconds: 10 }, (e: WatchEvent<Widget>) => {
      if (inWrite) throw new Error('handler ran inside the write');
      seen.push(`${e.type} ${(e.object as Widget).metadata.name}`);
    });
    inWrite = true;
    const p = widgets.create(widget('a'));
    inWrite = false;
    await p;
    await widgets.create(widget('b'));
    await widgets.delete('a');
    await flushMicrotasks();
    expect(seen).toEqual(['ADDED a', 'ADDED b', 'DELETED a']);
    let done = false;
    void h.done.then(() => (done = true));
    await clock.advance(9_999);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(done).toBe(true);
    await widgets.create(widget('c'));
    await flushMicrotasks();
    expect(seen).toHaveLength(3);
  });

  it('gives admission plugins the client to read other objects', async () => {
    const { client } = setup([
      {
        name: 'needs-gadget',
        operations: ['CREATE'],
        resources: ['example.com/widgets'],
        validate: async (req) => {
          await req.client.get(GadgetKind, 'required');
        },
      },
    ]);
    const widgets = client.resource<Widget>(WidgetKind, 'default');
    await expect(widgets.create(widget('a'))).rejects.toMatchObject({ code: 404, message: 'gadgets "required" not found' });
    await client.create({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'required' } });
    expect((await widgets.create(widget('a'))).metadata.name).toBe('a');
  });
});
