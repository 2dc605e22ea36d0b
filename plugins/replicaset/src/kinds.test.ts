import type { Pod, ReplicaSet, ReplicationController } from '@keelson/api';
import { patchScale } from '@keelson/core';
import { PodKind } from '@keelson/plugin-core';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newReplicaSet } from './fixtures.js';
import replicasetPlugin, { ReplicaSetKind, ReplicationControllerKind, replicaSetColumns, replicationControllerColumns } from './index.js';

let c: TestCluster;
beforeEach(async () => {
  c = await startTestCluster({ plugins: [replicasetPlugin] });
});
afterEach(() => c.stop());

const rss = () => c.client.resource<ReplicaSet>(ReplicaSetKind, 'default');
const rcs = () => c.client.resource<ReplicationController>(ReplicationControllerKind, 'default');

describe('ReplicaSet kind', () => {
  it('defaults replicas and the pod template as kube-apiserver does; status starts at replicas 0', async () => {
    const rs = newReplicaSet('web', 1);
    delete rs.spec!.replicas;
    const created = await rss().create(rs);
    expect(created.spec?.replicas).toBe(1);
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toEqual({ replicas: 0 });
    expect(created.spec?.template?.spec).toEqual({
      containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    });
  });

  it('validates with kube\'s messages', async () => {
    const mismatch = newReplicaSet('web', 1);
    mismatch.spec!.template!.metadata!.labels = { app: 'other' };
    await expect(rss().create(mismatch)).rejects.toMatchObject({
      code: 422,
      message: 'ReplicaSet.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
    });
    const noSelector = newReplicaSet('web', -1);
    delete (noSelector.spec as Partial<NonNullable<ReplicaSet['spec']>>).selector;
    await expect(rss().create(noSelector)).rejects.toMatchObject({
      message:
        'ReplicaSet.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`]',
    });
    const noContainers = newReplicaSet('web', 1);
    noContainers.spec!.template!.spec = { containers: [], restartPolicy: 'Never' };
    await expect(rss().create(noContainers)).rejects.toMatchObject({
      message: 'ReplicaSet.apps "web" is invalid: [spec.template.spec.containers: Required value, spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"]',
    });
  });

  it('keeps the selector immutable and bumps generation on spec changes only', async () => {
    await rss().create({ ...newReplicaSet('web', 0), status: undefined });
    const cur = await rss().get('web');
    await expect(rss().update({ ...cur, spec: { ...cur.spec!, selector: { matchLabels: { app: 'web', x: 'y' } } } })).rejects.toMatchObject({
      message: expect.stringContaining('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "x":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'),
    });
    const scaled = await rss().patch('web', 'merge', { spec: { replicas: 2 } });
    expect(scaled.metadata.generation).toBe(2);
  });

  it('prints kube-apiserver\'s columns', () => {
    const rs: ReplicaSet = {
      ...newReplicaSet('web', 3),
      metadata: { name: 'web', creationTimestamp: '2025-01-01T00:00:00Z' },
      status: { replicas: 2, readyReplicas: 1 },
    };
    rs.spec!.selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] };
    const now = Date.parse('2025-01-01T00:00:10Z');
    expect(replicaSetColumns.map((col) => col.name)).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector']);
    expect(replicaSetColumns.map((col) => col.priority ?? 0)).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(replicaSetColumns.map((col) => col.cell(rs, now))).toEqual(['web', 3, 2, 1, '10s', 'web', 'nginx:1.27', 'app=web,tier in (a,b)']);
  });

  it('serves the Scale with the selector in string form', async () => {
    await rss().create(newReplicaSet('web', 0, { app: 'web', tier: 'front' }));
    const scale = await patchScale(c.registry.resourceStore(ReplicaSetKind), 'web', 'merge', '{"spec":{"replicas":2}}', { namespace: 'default' });
    expect(scale.status.selector).toBe('app=web,tier=front');
    expect((await rss().get('web')).spec?.replicas).toBe(2);
  });
});

describe('ReplicationController kind and controller', () => {
  const rc = (): ReplicationController => ({
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'legacy' },
    spec: { replicas: 2, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  });

  it('defaults selector and labels from the template, and runs pods with the map selector', async () => {
    const created = await rcs().create(rc());
    expect(created.spec?.selector).toEqual({ app: 'legacy' });
    expect(created.metadata.labels).toEqual({ app: 'legacy' });
    expect(created.status).toEqual({ replicas: 0 });
    const pods = async () => (await c.client.list<Pod>(PodKind, { namespace: 'default', labelSelector: 'app=legacy' })).items;
    await c.eventually(async () => (await pods()).length === 2);
    expect((await pods())[0]!.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    await c.eventually(async () => (await rcs().get('legacy')).status?.replicas === 2);
    const scale = await patchScale(c.registry.resourceStore(ReplicationControllerKind), 'legacy', 'merge', '{"spec":{"replicas":3}}', { namespace: 'default' });
    expect(scale.status.selector).toBe('app=legacy');
    await c.eventually(async () => (await pods()).length === 3);
    expect(replicationControllerColumns.at(-1)!.cell(created, 0)).toBe('app=legacy');
  });

  it('validates as kube does', async () => {
    await expect(rcs().create({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'x' }, spec: {} })).rejects.toMatchObject({
      message: 'ReplicationController "x" is invalid: [spec.selector: Required value, spec.template: Required value]',
    });
    const bad = rc();
    bad.spec!.selector = { app: 'other' };
    await expect(rcs().create(bad)).rejects.toMatchObject({
      message: 'ReplicationController "legacy" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"legacy"}: `selector` does not match template `labels`',
    });
  });
});
