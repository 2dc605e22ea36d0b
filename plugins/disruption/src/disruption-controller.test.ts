import { type Deployment, definePlugin, type Event, type Pod, type PodDisruptionBudget, type ReplicaSet } from '@keelson/api';
import { DeploymentKind } from '@keelson/plugin-deployment';
import { ReplicaSetKind } from '@keelson/plugin-replicaset';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDisruptedPodMap, countHealthyPods, DELETION_TIMEOUT_MS } from './disruption-controller.js';
import { pdb, pod, setRunning } from './fixtures.js';
import disruptionPlugin, { PodDisruptionBudgetKind } from './index.js';

const PDB = PodDisruptionBudgetKind;

describe('disruption controller', () => {
  let c: TestCluster;
  afterEach(() => c?.stop());

  async function status(name: string, check: (s: NonNullable<PodDisruptionBudget['status']>) => boolean): Promise<PodDisruptionBudget> {
    return c.eventually(async () => {
      const got = await c.client.get<PodDisruptionBudget>(PDB, name, { namespace: 'default' });
      return got.status && check(got.status) ? got : undefined;
    }) as Promise<PodDisruptionBudget>;
  }

  it('minAvailable as an int: expected = pods selected, allowed = healthy - desired, DisruptionAllowed condition', async () => {
    c = await startTestCluster({ plugins: [disruptionPlugin] });
    for (const n of ['a', 'b', 'c']) await c.client.create(pod(n, { app: 'web' }));
    await c.client.create(pod('other', { app: 'db' }));
    for (const n of ['a', 'b']) await setRunning(c.client, n, true, c.clock.now());
    await setRunning(c.client, 'c', false, c.clock.now());
    await c.client.create(pdb('web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } }));
    const got = await status('web', (s) => s.expectedPods === 3);
    expect(got.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1 });
    expect(got.status!.conditions).toEqual([{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1, lastTransitionTime: '2025-01-01T00:00:00Z' }]);

    // A pod turning ready raises the budget; a spec change is observed with its generation.
    await setRunning(c.client, 'c', true, c.clock.now());
    await status('web', (s) => s.disruptionsAllowed === 2);
    const cur = await c.client.get<PodDisruptionBudget>(PDB, 'web', { namespace: 'default' });
    await c.client.update({ ...cur, spec: { ...cur.spec, minAvailable: 3 } });
    const after = await status('web', (s) => s.observedGeneration === 2);
    expect(after.status).toMatchObject({ currentHealthy: 3, desiredHealthy: 3, disruptionsAllowed: 0 });
    expect(after.status!.conditions![0]).toMatchObject({ status: 'False', reason: 'InsufficientPods' });
  });

  it('records its Events as kube\'s disruption controller does (component "controllermanager")', async () => {
    c = await startTestCluster({ plugins: [disruptionPlugin] });
    await c.client.create(pdb('lonely', { minAvailable: 1, selector: { matchLabels: { app: 'none' } } }));
    const event = await c.eventually(async () => (await c.client.list<Event>({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'default' })).items.find((e) => e.reason === 'NoPods'));
    expect(event).toMatchObject({ type: 'Normal', message: 'No matching pods found', source: { component: 'controllermanager' }, reportingComponent: 'controllermanager' });
  });

  it('percentages and maxUnavailable scale by the owning Deployment (via its ReplicaSet) or ReplicaSet', async () => {
    // Only the kinds (no controllers acting on them): the budget reads the owners' spec.replicas.
    const kinds = definePlugin({ name: 'workload-kinds', kinds: [ReplicaSetKind, DeploymentKind] });
    c = await startTestCluster({ plugins: [disruptionPlugin, kinds] });
    const dep = await c.client.create<Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 4, paused: true, selector: { matchLabels: { app: 'none' } }, template: { metadata: { labels: { app: 'none' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const rs = await c.client.create<ReplicaSet>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-abc', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: dep.metadata.uid!, controller: true }] },
      spec: { replicas: 0, selector: { matchLabels: { app: 'nothing' } }, template: { metadata: { labels: { app: 'nothing' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: rs.metadata.uid! };
    for (const n of ['a', 'b', 'c']) {
      await c.client.create(pod(n, { app: 'web' }, owner));
      await setRunning(c.client, n, true, c.clock.now());
    }
    await c.client.create(pdb('half', { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } }));
    // expected = deployment replicas 4; desired = ceil(50% of 4) = 2; healthy 3 → 1 allowed.
    expect((await status('half', (s) => s.expectedPods === 4)).status).toMatchObject({ desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
    await c.client.delete(PDB, 'half', { namespace: 'default' });
    await c.client.create(pdb('max', { maxUnavailable: '30%', selector: { matchLabels: { app: 'web' } } }));
    // maxUnavailable ceil(30% of 4) = 2 → desired 2.
    expect((await status('max', (s) => s.expectedPods === 4)).status).toMatchObject({ desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
  });

  it('a percentage over pods without a controller fails safe (SyncFailed, no disruptions)', async () => {
    c = await startTestCluster({ plugins: [disruptionPlugin] });
    await c.client.create(pod('a', { app: 'web' }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: 'x' }));
    await setRunning(c.client, 'a', true, c.clock.now());
    await c.client.create(pdb('web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }));
    const got = await status('web', (s) => !!s.conditions?.length);
    expect(got.status!.disruptionsAllowed).toBe(0);
    expect(got.status!.conditions![0]).toMatchObject({ status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "a"' });
  });

  it('an empty selector covers the namespace (policy/v1); disrupted pods are not healthy for two minutes', async () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const pods = ['a', 'b'].map((n) => ({ ...pod(n, {}), status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }) as Pod);
    const budget = pdb('all', { minAvailable: 1, selector: {} });
    budget.status = { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptedPods: { a: '2025-01-01T00:00:00Z' } };
    const fresh = buildDisruptedPodMap(pods, budget, now + 1000);
    expect(fresh).toEqual({ disruptedPods: { a: '2025-01-01T00:00:00Z' }, recheckAt: now + DELETION_TIMEOUT_MS });
    expect(countHealthyPods(pods, fresh.disruptedPods, now + 1000)).toBe(1);
    const expired: string[] = [];
    const late = buildDisruptedPodMap(pods, budget, now + DELETION_TIMEOUT_MS + 1, (p) => expired.push(p.metadata.name!));
    expect(late).toEqual({ disruptedPods: {}, recheckAt: undefined });
    expect(expired).toEqual(['a']);
    expect(countHealthyPods(pods, late.disruptedPods, now + DELETION_TIMEOUT_MS + 1)).toBe(2);
  });

  it('the controller forgets an eviction the pod did not follow after DeletionTimeout', async () => {
    c = await startTestCluster({ plugins: [disruptionPlugin] });
    for (const n of ['a', 'b']) {
      await c.client.create(pod(n, { app: 'web' }));
      await setRunning(c.client, n, true, c.clock.now());
    }
    await c.client.create(pdb('web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } }));
    const first = await status('web', (s) => s.disruptionsAllowed === 1);
    await c.client.updateStatus({ ...first, status: { ...first.status!, disruptionsAllowed: 0, disruptedPods: { a: '2025-01-01T00:00:00Z' } } });
    await status('web', (s) => s.currentHealthy === 1 && !!s.disruptedPods?.a);
    await c.advance(DELETION_TIMEOUT_MS + 1000);
    const after = await status('web', (s) => s.currentHealthy === 2);
    expect(after.status!.disruptedPods).toBeUndefined();
    expect(after.status!.disruptionsAllowed).toBe(1);
  });
});
