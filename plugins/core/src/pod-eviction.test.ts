import type { Eviction, Pod } from '@keelson/api';
import { type Cluster, createCluster, FakeClock, silentLogger } from '@keelson/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import corePlugin, { PodKind } from './index.js';

const pod = (name: string, nodeName?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }] },
});
const eviction = (name: string, extra: Partial<Eviction> = {}): Eviction => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...extra });

describe('pods/eviction without PodDisruptionBudgets served', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await createCluster({ plugins: [corePlugin], clock: new FakeClock(), logger: silentLogger });
    await cluster.start();
  });
  afterEach(() => cluster.stop());
  const evict = (name: string, body: Eviction = eviction(name)) => cluster.client.postSubresource(PodKind, name, 'eviction', body, { namespace: 'default' });
  const get = (name: string) => cluster.client.get<Pod>(PodKind, name, { namespace: 'default' });

  it('deletes a pod that never reached a node at once, answering 201 Success', async () => {
    await cluster.client.create(pod('web'));
    expect(await evict('web')).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    await expect(get('web')).rejects.toMatchObject({ code: 404 });
  });

  it('a running pod on a node: DisruptionTarget=True then graceful deletion with the Eviction deleteOptions', async () => {
    await cluster.client.create(pod('web', 'node-1'));
    const p = await get('web');
    await cluster.client.updateStatus({ ...p, status: { ...p.status, phase: 'Running' } });
    await evict('web', eviction('web', { apiVersion: 'policy/v1beta1', deleteOptions: { gracePeriodSeconds: 5 } }));
    const got = await get('web');
    expect(got.metadata.deletionGracePeriodSeconds).toBe(5);
    expect(got.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'EvictionByEvictionAPI' });
  });

  it('honours a stale resourceVersion precondition with 409, a missing pod with 404, a wrong body with 400', async () => {
    await cluster.client.create(pod('web', 'node-1'));
    await expect(evict('web', eviction('web', { deleteOptions: { preconditions: { resourceVersion: '1' } } }))).rejects.toMatchObject({ code: 409 });
    await expect(evict('missing')).rejects.toMatchObject({ code: 404 });
    await expect(evict('web', { ...eviction('web'), apiVersion: 'v1' } as unknown as Eviction)).rejects.toMatchObject({ code: 400 });
    expect((await get('web')).metadata.deletionTimestamp).toBeUndefined();
  });
});
