import { defineKind, type KubeObject } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { InProcessClient } from '../../client/in-process-client.js';
import { FakeClock } from '../../clock/fake-clock.js';
import { MemoryStore } from '../../store/memory-store.js';
import { KindRegistry } from '../kind-registry.js';
import { Registry } from '../registry.js';

interface Deck extends KubeObject {
  spec?: { replicas?: number; paused?: boolean; containers?: { name: string; image?: string; args?: string[] }[]; finalizers?: string[] };
  status?: { ready?: number; phase?: string };
}

const DeckKind = defineKind<Deck>({ group: 'example.com', version: 'v1', kind: 'Deck', plural: 'decks', namespaced: true, subresources: { status: true } });

function setup() {
  const clock = new FakeClock();
  const kinds = new KindRegistry();
  kinds.register(DeckKind);
  const registry = new Registry({ store: new MemoryStore({ clock }), kinds, clock, admission: [] });
  const decks = new InProcessClient(registry).resource<Deck>(DeckKind, 'default');
  const apply = (manager: string, config: object, force = false) => decks.patch('d', 'apply', JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Deck', metadata: { name: 'd' }, ...config }), { fieldManager: manager, force });
  return { clock, decks, apply };
}

const owners = (d: Deck) => Object.fromEntries((d.metadata.managedFields ?? []).map((e) => [`${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`, e.fieldsV1]));

describe('server-side apply', () => {
  it('creates a missing object and records the applier as owner of exactly its configuration', async () => {
    const { apply } = setup();
    const d = await apply('alice', { metadata: { labels: { app: 'web' } }, spec: { replicas: 2, containers: [{ name: 'c', image: 'nginx' }] } });
    expect(d.metadata.uid).toBeTruthy();
    expect(d.spec).toEqual({ replicas: 2, containers: [{ name: 'c', image: 'nginx' }] });
    expect(d.metadata.managedFields).toEqual([
      {
        manager: 'alice',
        operation: 'Apply',
        apiVersion: 'example.com/v1',
        time: expect.any(String),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:replicas': {}, 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:name': {}, 'f:image': {} } } },
        },
      },
    ]);
  });

  it('is a no-op when applied again unchanged (same resourceVersion and time)', async () => {
    const { apply, clock } = setup();
    const a = await apply('alice', { spec: { replicas: 2 } });
    clock.advance(5000);
    const b = await apply('alice', { spec: { replicas: 2 } });
    expect(b.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    expect(b.metadata.managedFields).toEqual(a.metadata.managedFields);
  });

  it('removes fields the applier stops configuring, unless another manager owns them', async () => {
    const { apply } = setup();
    await apply('alice', { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { replicas: 2, paused: true } });
    await apply('bob', { spec: { paused: true } });
    const d = await apply('alice', { metadata: { labels: { app: 'web' } }, spec: { replicas: 2 } });
    expect(d.metadata.labels).toEqual({ app: 'web' });
    expect(d.spec).toEqual({ replicas: 2, paused: true }); // bob still manages paused
    const e = await apply('alice', { spec: { replicas: 2 } });
    expect(e.metadata.labels).toBeUndefined();
  });

  it('reports a conflict when a field another manager set would change, and force takes it over', async () => {
    const { apply, decks } = setup();
    await apply('alice', { spec: { replicas: 2 } });
    await decks.patch('d', 'merge', { spec: { replicas: 5 } }, { fieldManager: 'scaler' });
    const err = await apply('alice', { spec: { replicas: 3 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "scaler" using example.com/v1: .spec.replicas',
      status: { details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "scaler" using example.com/v1', field: '.spec.replicas' }] } },
    });
    // The same value is shared ownership, not a conflict.
    const shared = await apply('alice', { spec: { replicas: 5 } });
    expect(Object.keys(owners(shared)).sort()).toEqual(['alice/Apply', 'scaler/Update']);
    const forced = await apply('alice', { spec: { replicas: 3 } }, true);
    expect(forced.spec?.replicas).toBe(3);
    expect(owners(forced)).toEqual({ 'alice/Apply': { 'f:spec': { 'f:replicas': {} } } });
  });

  it('lists several conflicts grouped by manager', async () => {
    const { apply } = setup();
    await apply('bob', { spec: { replicas: 1, paused: false } });
    const err = await apply('alice', { spec: { replicas: 2, paused: true } }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('Apply failed with 2 conflicts: conflicts with "bob":\n- .spec.replicas\n- .spec.paused');
  });

  it('merges associative lists by key: each applier keeps its own items', async () => {
    const { apply } = setup();
    await apply('alice', { spec: { containers: [{ name: 'a', image: 'nginx:1' }] } });
    const both = await apply('bob', { spec: { containers: [{ name: 'b', image: 'redis' }] } });
    expect(both.spec?.containers).toEqual([
      { name: 'a', image: 'nginx:1' },
      { name: 'b', image: 'redis' },
    ]);
    const updated = await apply('alice', { spec: { containers: [{ name: 'a', image: 'nginx:2' }] } });
    expect(updated.spec?.containers?.[0]).toEqual({ name: 'a', image: 'nginx:2' });
    const dropped = await apply('alice', { spec: {} });
    expect(dropped.spec?.containers).toEqual([{ name: 'b', image: 'redis' }]);
    const err = await apply('alice', { spec: { containers: [{ name: 'b', image: 'redis:7' }] } }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('Apply failed with 1 conflict: conflict with "bob": .spec.containers[name="b"].image');
  });

  it('records Update owners for ordinary writes: the writer takes what it changed from others', async () => {
    const { decks } = setup();
    await decks.create({ apiVersion: 'example.com/v1', kind: 'Deck', metadata: { name: 'd' }, spec: { replicas: 1, paused: false } }, { fieldManager: 'kubectl-create' });
    const d = await decks.patch('d', 'merge', { metadata: { labels: { x: 'y' } }, spec: { replicas: 4 } }, { fieldManager: 'kubectl-edit' });
    expect(owners(d)).toEqual({
      'kubectl-create/Update': { 'f:spec': { 'f:paused': {} } },
      'kubectl-edit/Update': { 'f:metadata': { 'f:labels': { 'f:x': {} } }, 'f:spec': { 'f:replicas': {} } },
    });
    const s = await decks.patch('d', 'merge', { status: { ready: 1 } }, { fieldManager: 'deck-controller', subresource: 'status' });
    expect(owners(s)['deck-controller/Update/status']).toEqual({ 'f:status': { 'f:ready': {} } });
  });

  it('applies to the status subresource with its own owner entry', async () => {
    const { apply, decks } = setup();
    await apply('alice', { spec: { replicas: 1 } });
    const d = await decks.patch('d', 'apply', JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Deck', metadata: { name: 'd' }, spec: { replicas: 9 }, status: { phase: 'Up' } }), {
      fieldManager: 'ctl',
      subresource: 'status',
    });
    expect(d.status).toEqual({ phase: 'Up' });
    expect(d.spec?.replicas).toBe(1);
    expect(owners(d)['ctl/Apply/status']).toEqual({ 'f:status': { 'f:phase': {} } });
  });

  it('accepts YAML and rejects what kube-apiserver rejects', async () => {
    const { decks } = setup();
    const yaml = 'apiVersion: example.com/v1\nkind: Deck\nmetadata:\n  name: d\nspec:\n  replicas: 3\n';
    expect((await decks.patch('d', 'apply', yaml, { fieldManager: 'y' })).spec?.replicas).toBe(3);
    await expect(decks.patch('d', 'apply', yaml)).rejects.toMatchObject({ code: 422, message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch' });
    await expect(decks.patch('d', 'apply', yaml.replace('Deck', 'Card'), { fieldManager: 'y' })).rejects.toMatchObject({ code: 400 });
    await expect(decks.patch('d', 'apply', yaml.replace('name: d', 'name: e'), { fieldManager: 'y' })).rejects.toMatchObject({ code: 400 });
    await expect(decks.patch('d', 'apply', 'spec: [', { fieldManager: 'y' })).rejects.toMatchObject({ code: 400 });
  });
});
