import type { ConfigMap, Namespace, ServiceAccount } from '@keelson/api';
import namespacePlugin from '@keelson/plugin-namespace';
import { ConfigMapKind, NamespaceKind, ServiceAccountKind } from '@keelson/plugin-core';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import serviceAccountPlugin from './index.js';

describe('serviceaccount controller', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    cluster = await startTestCluster({ plugins: [namespacePlugin, serviceAccountPlugin] });
  });
  afterEach(() => cluster.stop());

  const defaultIn = (ns: string) => cluster.client.get<ServiceAccount>(ServiceAccountKind, 'default', { namespace: ns });
  const isNotFound = (p: Promise<unknown>) => p.then(() => false, (e: { code?: number }) => e.code === 404);

  it('gives the system namespaces and every new namespace a "default" ServiceAccount', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public']) await cluster.eventually(() => defaultIn(ns));
    await cluster.client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const sa = await cluster.eventually(() => defaultIn('team'));
    expect(sa).toMatchObject({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team' } });
    expect(sa.secrets).toBeUndefined();
    expect(sa.automountServiceAccountToken).toBeUndefined();
  });

  it('re-creates "default" when it is deleted, and leaves other accounts alone', async () => {
    await cluster.client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const first = await cluster.eventually(() => defaultIn('team'));
    await cluster.client.create<ServiceAccount>({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'team' } });
    await cluster.client.delete(ServiceAccountKind, 'default', { namespace: 'team' });
    const again = await cluster.eventually(async () => {
      const sa = await defaultIn('team');
      return sa.metadata.uid !== first.metadata.uid ? sa : undefined;
    });
    expect(again?.metadata.name).toBe('default');
    await cluster.client.delete(ServiceAccountKind, 'builder', { namespace: 'team' });
    await cluster.eventually(() => isNotFound(cluster.client.get(ServiceAccountKind, 'builder', { namespace: 'team' })));
  });

  it('creates nothing in a namespace being deleted', async () => {
    await cluster.client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'going' } });
    await cluster.eventually(() => defaultIn('going'));
    // A finalizer on some content keeps the namespace Terminating while the test looks.
    await cluster.client.create<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'going', finalizers: ['example.com/hold'] } });
    await cluster.client.delete(NamespaceKind, 'going');
    await cluster.eventually(() => isNotFound(defaultIn('going')));
    // The namespace is still there, Terminating. A namespace created after it is served after it by
    // the controller's one worker: once that one has its account, "going" was looked at, and skipped.
    await cluster.advance(5_000);
    await cluster.client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'later' } });
    await cluster.eventually(() => defaultIn('later'));
    expect((await cluster.client.get<Namespace>(NamespaceKind, 'going')).status?.phase).toBe('Terminating');
    expect(await isNotFound(defaultIn('going'))).toBe(true);
    const held = await cluster.client.get<ConfigMap>(ConfigMapKind, 'held', { namespace: 'going' });
    await cluster.client.update<ConfigMap>({ ...held, metadata: { ...held.metadata, finalizers: [] } });
  });
});
