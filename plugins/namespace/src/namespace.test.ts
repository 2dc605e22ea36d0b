import type { ConfigMap, Namespace } from '@keelson/api';
import { type Cluster, createCluster, FakeClock, silentLogger } from '@keelson/core';
import corePlugin, { ConfigMapKind, NamespaceKind } from '@keelson/plugin-core';
import { eventually } from '@keelson/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import namespacePlugin from './index.js';

const until = (check: () => Promise<boolean>) => eventually(check, 3000);

describe('namespace lifecycle', () => {
  let cluster: Cluster;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock();
    cluster = await createCluster({ plugins: [corePlugin, namespacePlugin], clock, logger: silentLogger });
    await cluster.start();
  });
  afterEach(() => cluster.stop());

  const cm = (name: string): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });

  it('refuses content in a namespace that does not exist', async () => {
    await expect(cluster.client.create(cm('x'), { namespace: 'nope' })).rejects.toMatchObject({ code: 404, message: 'namespaces "nope" not found' });
  });

  it('protects the system namespaces', async () => {
    await expect(cluster.client.delete(NamespaceKind, 'default')).rejects.toMatchObject({ code: 403, message: 'namespaces "default" is forbidden: this namespace may not be deleted' });
    await expect(cluster.client.delete(NamespaceKind, 'kube-system')).rejects.toMatchObject({ code: 403 });
  });

  it('terminates: refuses new content, deletes what is inside, then goes away', async () => {
    await cluster.client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } });
    const cms = cluster.client.resource<ConfigMap>(ConfigMapKind, 'app');
    await cms.create(cm('one'));
    await cms.create({ ...cm('kept'), metadata: { name: 'kept', finalizers: ['example.com/hold'] } });
    const deleting = (await cluster.client.delete(NamespaceKind, 'app')) as Namespace;
    expect(deleting.status?.phase).toBe('Terminating');
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    await expect(cms.create(cm('late'))).rejects.toMatchObject({
      code: 403,
      message: 'configmaps "late" is forbidden: unable to create new content in namespace app because it is being terminated',
      status: { details: { causes: [{ reason: 'NamespaceTerminating', message: 'namespace app is being terminated', field: 'metadata.namespace' }] } },
    });
    await until(async () => (await cms.list()).items.every((c) => c.metadata.deletionTimestamp));
    // A finalizer holds one ConfigMap: the namespace waits for it.
    await clock.advance(5000);
    expect((await cluster.client.get<Namespace>(NamespaceKind, 'app')).status?.phase).toBe('Terminating');
    const kept = await cms.get('kept');
    await cms.update({ ...kept, metadata: { ...kept.metadata, finalizers: [] } });
    await clock.advance(1000);
    await until(async () => cluster.client.get(NamespaceKind, 'app').then(() => false, (e: { code?: number }) => e.code === 404));
  });
});
