import type { Binding, Pod } from '@keelson/api';
import { type Cluster, createCluster, FakeClock, silentLogger } from '@keelson/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import corePlugin, { PodKind } from './index.js';

const pod = (name: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
const binding = (name: string, node: string, meta: Partial<Binding['metadata']> = {}): Binding => ({
  apiVersion: 'v1',
  kind: 'Binding',
  metadata: { name, namespace: 'default', ...meta },
  target: { kind: 'Node', name: node },
});

describe('pods/binding', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await createCluster({ plugins: [corePlugin], clock: new FakeClock(), logger: silentLogger });
    await cluster.start();
  });
  afterEach(() => cluster.stop());

  it('sets spec.nodeName and PodScheduled=True, answers a 201 Success Status', async () => {
    await cluster.client.create(pod('web'));
    const status = await cluster.client.postSubresource(PodKind, 'web', 'binding', binding('web', 'node-1', { annotations: { a: 'b' } }), { namespace: 'default' });
    expect(status).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    const got = await cluster.client.get<Pod>(PodKind, 'web', { namespace: 'default' });
    expect(got.spec?.nodeName).toBe('node-1');
    expect(got.metadata.annotations).toEqual({ a: 'b' });
    expect(got.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:00Z' }]);
  });

  it('refuses a pod already bound with 409, and a name mismatch with 400', async () => {
    await cluster.client.create(pod('web'));
    await cluster.client.postSubresource(PodKind, 'web', 'binding', binding('web', 'node-1'), { namespace: 'default' });
    await expect(cluster.client.postSubresource(PodKind, 'web', 'binding', binding('web', 'node-2'), { namespace: 'default' })).rejects.toMatchObject({
      code: 409,
      message: 'Operation cannot be fulfilled on pods "web": pod web is already assigned to node "node-1"',
    });
    await expect(cluster.client.postSubresource(PodKind, 'web', 'binding', binding('other', 'node-2'), { namespace: 'default' })).rejects.toMatchObject({ code: 400 });
  });

  it('checks the uid precondition and needs a target name', async () => {
    await cluster.client.create(pod('web'));
    await expect(cluster.client.postSubresource(PodKind, 'web', 'binding', binding('web', 'n', { uid: 'nope' }), { namespace: 'default' })).rejects.toMatchObject({ code: 409 });
    await expect(cluster.client.postSubresource(PodKind, 'web', 'binding', { ...binding('web', ''), target: { name: '' } }, { namespace: 'default' })).rejects.toMatchObject({ code: 422 });
    await expect(cluster.client.postSubresource(PodKind, 'missing', 'binding', binding('missing', 'n'), { namespace: 'default' })).rejects.toMatchObject({ code: 404 });
  });
});
