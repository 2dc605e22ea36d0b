import { type ConfigMap, type Namespace, objectShapeError, type Pod, type Secret } from '@keelson/api';
import { type Cluster, createCluster, FakeClock, silentLogger } from '@keelson/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { podQOSClass } from './qos.js';
import corePlugin, { ConfigMapKind, LeaseKind, NamespaceKind, NodeKind, PodKind, SecretKind } from './index.js';

// (@keelson/testing depends on this plugin, so these tests assemble their cluster by hand.)
async function startCluster(): Promise<Cluster> {
  const cluster = await createCluster({ plugins: [corePlugin], clock: new FakeClock(), logger: silentLogger });
  await cluster.start();
  return cluster;
}

const pod = (name: string, spec: Partial<NonNullable<Pod['spec']>> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.17.9' }], ...spec },
});

describe('core kinds', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await startCluster();
  });
  afterEach(() => cluster.stop());

  it('starts with the four namespaces, labelled and Active', async () => {
    const nss = await cluster.client.list<Namespace>(NamespaceKind);
    expect(nss.items.map((n) => n.metadata.name).sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(nss.items[0]).toMatchObject({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    expect(nss.items.find((n) => n.metadata.name === 'default')!.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'default' });
    await expect(cluster.client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } })).rejects.toMatchObject({ code: 422 });
  });

  it('defaults pods as kube-apiserver does and starts them Pending with a QoS class', async () => {
    const pods = cluster.client.resource<Pod>(PodKind, 'default');
    const p = await pods.create(pod('web', { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1', memory: '1Gi' } } }] }));
    expect(p.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30, enableServiceLinks: true });
    expect(p.spec!.containers[0]).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { requests: { cpu: '1', memory: '1Gi' } } });
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'Guaranteed' });
    const tagged = await pods.create(pod('tagged'));
    expect(tagged.spec!.containers[0]!.imagePullPolicy).toBe('IfNotPresent');
  });

  it('validates pods with kube field paths and forbids spec changes but images', async () => {
    const pods = cluster.client.resource<Pod>(PodKind, 'default');
    const err = await pods.create(pod('bad', { containers: [{ name: 'Bad_Name' }, { name: 'Bad_Name', image: 'x' }], restartPolicy: 'Sometimes' as never })).catch((e: { message: string }) => e);
    expect(err.message).toContain('spec.containers[0].name: Invalid value: "Bad_Name"');
    expect(err.message).toContain('spec.containers[0].image: Required value');
    expect(err.message).toContain('spec.containers[1].name: Duplicate value: "Bad_Name"');
    expect(err.message).toContain('spec.restartPolicy: Unsupported value: "Sometimes"');
    await expect(pods.create(pod('none', { containers: [] }))).rejects.toMatchObject({ message: expect.stringContaining('spec.containers: Required value') });
    const p = await pods.create(pod('web'));
    const updated = await pods.update({ ...p, spec: { ...p.spec!, containers: [{ ...p.spec!.containers[0]!, image: 'nginx:1.17.8' }] } });
    expect(updated.spec!.containers[0]!.image).toBe('nginx:1.17.8');
    // The same spec with its keys in another order (as kubectl replace sends it) is no change.
    const reversed = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const spec = reversed({ ...updated.spec!, containers: updated.spec!.containers.map(reversed) });
    expect((await pods.update({ ...updated, spec })).spec!.containers[0]!.image).toBe('nginx:1.17.8');
    await expect(pods.update({ ...updated, spec: { ...updated.spec!, restartPolicy: 'Never' } })).rejects.toMatchObject({ code: 422, message: expect.stringContaining('pod updates may not change fields other than') });
  });

  it('spec.serviceAccount shows serviceAccountName, as kube\'s v1 conversion; the account cannot change on update', async () => {
    const pods = cluster.client.resource<Pod>(PodKind, 'default');
    const p = await pods.create(pod('runner', { serviceAccount: 'builder' }));
    expect(p.spec).toMatchObject({ serviceAccountName: 'builder', serviceAccount: 'builder' });
    expect((await pods.create(pod('both', { serviceAccountName: 'a', serviceAccount: 'b' }))).spec).toMatchObject({ serviceAccountName: 'a', serviceAccount: 'a' });
    expect((await pods.create(pod('none', { serviceAccount: '' }))).spec).not.toHaveProperty('serviceAccount');
    await expect(pods.update({ ...p, spec: { ...p.spec!, serviceAccountName: 'other', serviceAccount: 'other' } })).rejects.toMatchObject({ code: 422 });
    // A pod stored without the derived field (before it was written) may still be updated.
    const { serviceAccount: _derived, ...older } = p.spec!;
    expect(PodKind.validate!({ ...p, metadata: { ...p.metadata, labels: { a: 'b' } }, spec: p.spec }, { ...p, spec: older })).toEqual([]);
  });

  it('deletes unbound pods at once and gives bound pods their grace period', async () => {
    const pods = cluster.client.resource<Pod>(PodKind, 'default');
    await pods.create(pod('unbound'));
    await pods.delete('unbound');
    await expect(pods.get('unbound')).rejects.toMatchObject({ code: 404 });
    await pods.create(pod('bound', { nodeName: 'node1', terminationGracePeriodSeconds: 10 }));
    const terminating = (await pods.delete('bound')) as Pod;
    expect(terminating.metadata.deletionGracePeriodSeconds).toBe(10);
    expect(Date.parse(terminating.metadata.deletionTimestamp!) - Date.parse(terminating.metadata.creationTimestamp!)).toBe(10_000);
    await pods.delete('bound', { gracePeriodSeconds: 0 });
    await expect(pods.get('bound')).rejects.toMatchObject({ code: 404 });
  });

  it('selects pods and events by their field selectors', async () => {
    const pods = cluster.client.resource<Pod>(PodKind, 'default');
    await pods.create(pod('on-node1', { nodeName: 'node1' }));
    await pods.create(pod('unscheduled'));
    const onNode = await pods.list({ fieldSelector: 'spec.nodeName=node1,status.phase!=Succeeded,status.phase!=Failed' });
    expect(onNode.items.map((p) => p.metadata.name)).toEqual(['on-node1']);
    expect((await pods.list({ fieldSelector: 'spec.nodeName=' })).items.map((p) => p.metadata.name)).toEqual(['unscheduled']);
    const p = await pods.get('on-node1');
    cluster.recorder.event(p, 'Normal', 'Scheduled', 'Successfully assigned default/on-node1 to node1');
    await cluster.recorder.flush();
    const events = await cluster.client.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'default', fieldSelector: `involvedObject.uid=${p.metadata.uid},involvedObject.name=on-node1,involvedObject.namespace=default` });
    expect(events.items).toHaveLength(1);
  });

  it('validates config keys, encodes stringData, and keeps immutable data immutable', async () => {
    const cms = cluster.client.resource<ConfigMap>(ConfigMapKind, 'default');
    await expect(cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'bad key': 'x' } })).rejects.toMatchObject({ message: expect.stringContaining('a valid config key must consist of alphanumeric characters') });
    const frozen = await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, data: { a: '1' }, immutable: true });
    await expect(cms.update({ ...frozen, data: { a: '2' } })).rejects.toMatchObject({ code: 422 });
    const secrets = cluster.client.resource<Secret>(SecretKind, 'default');
    const s = await secrets.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'hunter2' } });
    expect(s).toMatchObject({ type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } });
    expect(s.stringData).toBeUndefined();
  });
});

describe('QoS class', () => {
  const withResources = (...rs: { requests?: Record<string, string>; limits?: Record<string, string> }[]): Pod =>
    ({ metadata: {}, spec: { containers: rs.map((resources, i) => ({ name: `c${i}`, image: 'x', resources })) } }) as Pod;
  it.each([
    [[{}], 'BestEffort'],
    [[{ requests: { cpu: '100m' } }], 'Burstable'],
    [[{ requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } }], 'Burstable'],
    [[{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }], 'Guaranteed'],
    [[{ requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: '1', memory: '1Gi' } }], 'Guaranteed'],
    [[{ limits: { cpu: '1', memory: '1Gi' } }, {}], 'Burstable'],
    [[{ requests: { 'example.com/gpu': '1' } }], 'BestEffort'],
  ] as const)('%j → %s', (rs, want) => {
    expect(podQOSClass(withResources(...(rs as unknown as never[])))).toBe(want);
  });
});

describe('core kind shapes (typed decoding)', () => {
  const pod = (c: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx', ...c }] } });
  it('accepts well-typed objects and refuses mistyped fields the kind code reads', () => {
    expect(objectShapeError(PodKind, pod({ ports: [{ containerPort: 80 }], resources: { limits: { cpu: '500m', memory: 1024 } } }))).toBeUndefined();
    expect(objectShapeError(PodKind, pod({ ports: [{ containerPort: '80' }] }))).toMatch(/containerPort of type int32/);
    expect(objectShapeError(PodKind, pod({ ports: { containerPort: 80 } }))).toMatch(/ports of type \[\]struct/);
    expect(objectShapeError(PodKind, pod({ resources: { limits: { cpu: 'lots' } } }))).toMatch(/quantities must match/);
    expect(objectShapeError(PodKind, { metadata: { name: 'p' }, spec: { containers: {} } })).toMatch(/containers of type \[\]struct/);
    expect(objectShapeError(ConfigMapKind, { metadata: { name: 'c' }, data: { a: 5 } })).toMatch(/data\[a\] of type string/);
    expect(objectShapeError(ConfigMapKind, { metadata: { name: 'c' }, binaryData: { a: '!!!' } })).toMatch(/illegal base64/);
    expect(objectShapeError(LeaseKind, { metadata: { name: 'l' }, spec: { acquireTime: 'soon' } })).toMatch(/parsing time/);
    expect(objectShapeError(NodeKind, { metadata: { name: 'n' }, spec: { unschedulable: 'yes' } })).toMatch(/unschedulable of type bool/);
    expect(objectShapeError(NamespaceKind, { metadata: { name: 'n' }, spec: { finalizers: 'kubernetes' } })).toMatch(/finalizers of type \[\]string/);
  });
});

describe('ConfigMap size', () => {
  let cluster: Cluster;
  beforeEach(async () => (cluster = await startCluster()));
  afterEach(() => cluster.stop());
  it('refuses more than 1 MiB of data (kube: Too long: must have at most 1048576 bytes)', async () => {
    const cms = cluster.client.resource<ConfigMap>(ConfigMapKind, 'default');
    await expect(cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(1024 * 1024) } })).rejects.toMatchObject({ code: 422, message: expect.stringMatching(/Too long: must have at most 1048576 bytes/) });
    await expect(cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok' }, data: { a: 'x'.repeat(1024 * 1024 - 1) } })).resolves.toBeDefined();
  });
});
