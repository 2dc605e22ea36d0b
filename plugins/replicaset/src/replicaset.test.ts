import { definePlugin, type Event as KubeEvent, forbidden, getControllerOf, type Pod, type ReplicaSet } from '@keelson/api';
import { type AdmissionPlugin, patchScale } from '@keelson/core';
import { EventKind, PodKind } from '@keelson/plugin-core';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { newReplicaSet, runningReady } from './fixtures.js';
import replicasetPlugin, { ReplicaSetKind } from './index.js';

/** Pod creations seen by admission, and an optional failure to inject. */
function podAdmission() {
  const state = { creates: 0, fail: undefined as undefined | ((n: number) => Error | undefined) };
  const plugin: AdmissionPlugin = {
    name: 'test-pod-quota',
    operations: ['CREATE'],
    resources: ['/pods'],
    validate(req) {
      if (req.dryRun) return;
      state.creates++;
      const err = state.fail?.(state.creates);
      if (err) throw err;
    },
  };
  return { state, plugin: definePlugin({ name: 'test-admission', admission: [plugin] }) };
}

describe('replicaset controller', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  /** Polls until check returns a value (not undefined). */
  const until = async <T,>(check: () => Promise<T | undefined>): Promise<T> => (await c.eventually(check)) as T;
  const pods = async (selector = '') => (await c.client.list<Pod>(PodKind, { namespace: 'default', labelSelector: selector })).items;
  const rs = (name: string) => c.client.get<ReplicaSet>(ReplicaSetKind, name, { namespace: 'default' });
  const rsClient = () => c.client.resource<ReplicaSet>(ReplicaSetKind, 'default');

  it('creates the missing pods from the template, owned by the ReplicaSet, and reports status', async () => {
    c = await startTestCluster({ plugins: [replicasetPlugin] });
    const created = await rsClient().create(newReplicaSet('web', 3));
    expect(created.status).toEqual({ replicas: 0 });
    await c.eventually(async () => (await pods()).length === 3);
    for (const p of await pods()) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(getControllerOf(p)).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true });
      expect(p.spec?.containers[0]?.image).toBe('nginx:1.27');
    }
    const got = await until(async () => {
      const r = await rs('web');
      return r.status?.replicas === 3 && r.status?.observedGeneration === 1 ? r : undefined;
    });
    expect(got.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    const events = await until(async () => {
      const list = (await c.client.list<KubeEvent>(EventKind, { namespace: 'default' })).items.filter((e) => e.reason === 'SuccessfulCreate');
      return list.length === 3 ? list : undefined;
    });
    expect(events[0]!.message).toMatch(/^Created pod: web-[a-z0-9]{5}$/);
    expect(events[0]!.source?.component).toBe('replicaset-controller');
  });

  it('creates in slow-start batches (1, 2, 4, ...) and stops at the first failed batch: ReplicaFailure, then recovers', async () => {
    const { state, plugin } = podAdmission();
    // The 4th creation onwards fails (the third batch, of 4, fails entirely).
    state.fail = (n) => (n >= 4 ? forbidden('pods "web" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=3, limited: pods=3') : undefined);
    c = await startTestCluster({ plugins: [replicasetPlugin, plugin] });
    await rsClient().create(newReplicaSet('web', 10));
    const failed = await until(async () => {
      const r = await rs('web');
      return r.status?.conditions?.length ? r : undefined;
    });
    // Batches of 1 and 2 succeed; the batch of 4 is attempted and fails; the rest is never tried.
    // (Each later sync retries with a batch of one, which fails too.)
    expect(state.creates).toBeGreaterThanOrEqual(7);
    expect(state.creates).toBeLessThan(10);
    expect((await pods()).length).toBe(3);
    expect(failed.status?.replicas).toBe(3);
    expect(failed.status?.conditions).toEqual([
      {
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: expect.any(String),
        reason: 'FailedCreate',
        message: 'pods "web" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=3, limited: pods=3',
      },
    ]);
    const warnings = await until(async () => (await c.client.list<KubeEvent>(EventKind, { namespace: 'default' })).items.find((e) => e.reason === 'FailedCreate'));
    expect(warnings.type).toBe('Warning');
    expect(warnings.message).toMatch(/^Error creating: pods "web" is forbidden: exceeded quota/);
    // Quota raised: the retry (rate-limited back-off on the FakeClock) creates the rest and clears the condition.
    state.fail = undefined;
    await c.advance(1000);
    const ok = await until(async () => {
      const r = await rs('web');
      return r.status?.replicas === 10 && !r.status.conditions ? r : undefined;
    });
    expect(ok.status?.fullyLabeledReplicas).toBe(10);
    expect((await pods()).length).toBe(10);
  });

  it('deletes the surplus on scale down, cheapest pods first', async () => {
    c = await startTestCluster({ plugins: [replicasetPlugin] });
    const now = c.clock.now();
    // Orphans that the ReplicaSet adopts: one unscheduled, one Pending on a node, two ready (one for longer).
    const orphan = (name: string, nodeName?: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'web', image: 'nginx:1.27' }] } });
    const podsApi = c.client.resource<Pod>(PodKind, 'default');
    await podsApi.create(orphan('unscheduled'));
    await podsApi.create(orphan('pending', 'node1'));
    for (const [name, since] of [['ready-long', now - 3_600_000], ['ready-new', now - 1_000]] as const) {
      const p = await podsApi.create(orphan(name, 'node1'));
      await podsApi.updateStatus({ ...p, status: runningReady(since) });
    }
    await rsClient().create(newReplicaSet('web', 4));
    await c.eventually(async () => (await pods()).every((p) => getControllerOf(p)?.name === 'web'));
    expect((await pods()).length).toBe(4);
    await rsClient().patch('web', 'merge', { spec: { replicas: 1 } });
    // Pods on a node are deleted gracefully: they stay, terminating, until their node agent is done.
    const live = async () => (await pods()).filter((p) => !p.metadata.deletionTimestamp);
    await c.eventually(async () => (await live()).length === 1);
    expect((await live())[0]!.metadata.name).toBe('ready-long');
    expect((await pods()).find((p) => p.metadata.name === 'unscheduled')).toBeUndefined();
    const r = await until(async () => ((await rs('web')).status?.replicas === 1 ? rs('web') : undefined));
    expect(r.status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
  });

  it('adopts matching orphans, releases pods that stop matching, and replaces them', async () => {
    c = await startTestCluster({ plugins: [replicasetPlugin] });
    const podsApi = c.client.resource<Pod>(PodKind, 'default');
    await podsApi.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { app: 'web', extra: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await podsApi.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const web = await rsClient().create(newReplicaSet('web', 2));
    await c.eventually(async () => (await pods('app=web')).length === 2);
    const stray = await podsApi.get('stray');
    expect(stray.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: web.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect((await podsApi.get('other')).metadata.ownerReferences).toBeUndefined();
    // Relabelled out of the selector: released (its reference removed) and replaced.
    await podsApi.patch('stray', 'merge', { metadata: { labels: { app: 'gone' } } });
    await c.eventually(async () => ((await podsApi.get('stray')).metadata.ownerReferences ?? []).length === 0);
    await c.eventually(async () => (await pods('app=web')).length === 2);
    expect((await pods('app=web')).every((p) => getControllerOf(p)?.uid === web.metadata.uid)).toBe(true);
    // A pod owned by another controller is never adopted.
    await podsApi.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'owned', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'x', uid: '1', controller: true }] },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(getControllerOf(await podsApi.get('owned'))?.name).toBe('x');
    expect((await pods('app=web')).length).toBe(3);
  });

  it('never adopts while the ReplicaSet is being deleted', async () => {
    c = await startTestCluster({ plugins: [replicasetPlugin] });
    await rsClient().create({ ...newReplicaSet('web', 0), metadata: { name: 'web', finalizers: ['example.com/hold'] } });
    await c.eventually(async () => (await rs('web')).status?.observedGeneration === 1);
    await rsClient().delete('web');
    const podsApi = c.client.resource<Pod>(PodKind, 'default');
    await podsApi.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await new Promise((r) => setTimeout(r, 50));
    expect((await podsApi.get('stray')).metadata.ownerReferences).toBeUndefined();
  });

  it('does not count terminating or finished pods, and replaces them', async () => {
    c = await startTestCluster({ plugins: [replicasetPlugin] });
    await rsClient().create(newReplicaSet('web', 2));
    await c.eventually(async () => (await pods()).length === 2);
    const [first] = await pods();
    await c.client.resource<Pod>(PodKind, 'default').updateStatus({ ...first!, status: { phase: 'Failed' } });
    await c.eventually(async () => (await pods()).length === 3);
    const r = await until(async () => ((await rs('web')).status?.replicas === 2 ? rs('web') : undefined));
    expect(r.status?.replicas).toBe(2);
  });

  it('counts ready pods at once and available ones after minReadySeconds (FakeClock)', async () => {
    c = await startTestCluster({ plugins: [replicasetPlugin] });
    await rsClient().create(newReplicaSet('web', 2, { app: 'web' }, { minReadySeconds: 10 }));
    await c.eventually(async () => (await pods()).length === 2);
    const podsApi = c.client.resource<Pod>(PodKind, 'default');
    for (const p of await pods()) await podsApi.updateStatus({ ...p, status: runningReady(c.clock.now()) });
    const ready = await until(async () => ((await rs('web')).status?.readyReplicas === 2 ? rs('web') : undefined));
    expect(ready.status?.availableReplicas).toBeUndefined();
    await c.advance(9_000);
    await new Promise((r) => setTimeout(r, 20));
    expect((await rs('web')).status?.availableReplicas).toBeUndefined();
    await c.advance(1_001);
    const available = await until(async () => ((await rs('web')).status?.availableReplicas === 2 ? rs('web') : undefined));
    expect(available.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2, fullyLabeledReplicas: 2 });
  });

  it('scales through the scale subresource (what kubectl scale does)', async () => {
    c = await startTestCluster({ plugins: [replicasetPlugin] });
    await rsClient().create(newReplicaSet('web', 1, { app: 'web', tier: 'front' }));
    await c.eventually(async () => (await pods()).length === 1);
    const scale = await patchScale(c.registry.resourceStore(ReplicaSetKind), 'web', 'merge', JSON.stringify({ spec: { replicas: 5 } }), { namespace: 'default' });
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 }, status: { selector: 'app=web,tier=front' } });
    await c.eventually(async () => (await pods()).length === 5);
    await c.eventually(async () => (await rs('web')).status?.replicas === 5);
  });

  it('RS deletion: the garbage collector deletes its pods', async () => {
    const gc = (await import('@keelson/plugin-garbage-collector')).default;
    c = await startTestCluster({ plugins: [replicasetPlugin, gc] });
    await rsClient().create(newReplicaSet('web', 3));
    await c.eventually(async () => (await pods()).length === 3);
    await rsClient().delete('web', { propagationPolicy: 'Background' });
    await c.eventually(async () => (await pods()).length === 0);
  });
});
