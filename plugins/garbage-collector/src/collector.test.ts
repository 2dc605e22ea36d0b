import type { ConfigMap, KubeObject } from '@keelson/api';
import { type Cluster, createCluster, FakeClock, silentLogger } from '@keelson/core';
import corePlugin, { ConfigMapKind } from '@keelson/plugin-core';
import { eventually } from '@keelson/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import gcPlugin from './index.js';

const until = (check: () => Promise<boolean>) => eventually(check, 3000);

describe('garbage collector', () => {
  let cluster: Cluster;
  const cms = () => cluster.client.resource<ConfigMap>(ConfigMapKind, 'default');
  const gone = (name: string) => cms().get(name).then(() => false, (e: { code?: number }) => e.code === 404);
  const cm = (name: string, owners: KubeObject[] = [], block = false): ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ownerReferences: owners.map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name!, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: block })) },
  });

  beforeEach(async () => {
    cluster = await createCluster({ plugins: [corePlugin, gcPlugin], clock: new FakeClock(), logger: silentLogger });
    await cluster.start();
  });
  afterEach(() => cluster.stop());

  it('background: deletes dependents once their owner is gone, transitively', async () => {
    const owner = await cms().create(cm('owner'));
    const child = await cms().create(cm('child', [owner]));
    await cms().create(cm('grandchild', [child]));
    await cms().create(cm('bystander'));
    await cms().delete('owner');
    await until(async () => (await gone('child')) && (await gone('grandchild')));
    expect(await gone('bystander')).toBe(false);
  });

  it('deletes a dependent created with an owner that never existed', async () => {
    await cms().create({ ...cm('stray'), metadata: { name: 'stray', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: 'no-such-uid', controller: true }] } });
    await until(() => gone('stray'));
  });

  it('reads nothing from the API for writes to a dependent whose owner is in its cache', async () => {
    const owner = await cms().create(cm('owner'));
    let child = await cms().create(cm('child', [owner]));
    await new Promise((r) => setTimeout(r, 50)); // the collector has seen both
    const gets = vi.spyOn(cluster.client, 'get');
    for (let i = 0; i < 5; i++) child = await cms().update({ ...child, data: { n: String(i) } });
    await new Promise((r) => setTimeout(r, 50));
    expect(gets).not.toHaveBeenCalled();
    gets.mockRestore();
    await cms().delete('owner');
    await until(() => gone('child'));
  });

  it('keeps a dependent that still has a live owner, dropping only the dangling reference', async () => {
    const a = await cms().create(cm('a'));
    const b = await cms().create(cm('b'));
    await cms().create({ ...cm('shared', [a]), metadata: { name: 'shared', ownerReferences: [...cm('x', [a]).metadata.ownerReferences!, { ...cm('y', [b]).metadata.ownerReferences![0]!, controller: false }] } });
    await cms().delete('a');
    await until(async () => (await cms().get('shared')).metadata.ownerReferences?.length === 1);
    expect((await cms().get('shared')).metadata.ownerReferences![0]!.name).toBe('b');
  });

  it('orphan: removes the owner references, then the owner', async () => {
    const owner = await cms().create(cm('owner'));
    await cms().create(cm('child', [owner]));
    await cms().delete('owner', { propagationPolicy: 'Orphan' });
    await until(() => gone('owner'));
    const child = await cms().get('child');
    expect(child.metadata.ownerReferences).toBeUndefined();
  });

  it('foreground: deletes blocking dependents first, then the owner', async () => {
    const owner = await cms().create(cm('owner'));
    await cms().create(cm('child', [owner], true));
    const pending = (await cms().delete('owner', { propagationPolicy: 'Foreground' })) as ConfigMap;
    expect(pending.metadata.finalizers).toEqual(['foregroundDeletion']);
    await until(async () => (await gone('child')) && (await gone('owner')));
  });
});
