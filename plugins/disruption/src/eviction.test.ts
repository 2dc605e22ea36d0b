import { ApiError, type Eviction, type Pod, type PodDisruptionBudget } from '@keelson/api';
import { PodKind } from '@keelson/plugin-core';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pdb, pod, setRunning } from './fixtures.js';
import disruptionPlugin, { PodDisruptionBudgetKind } from './index.js';

const eviction = (name: string, deleteOptions?: Eviction['deleteOptions']): Eviction => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions ? { deleteOptions } : {}) });

describe('pods/eviction with PodDisruptionBudgets', () => {
  let c: TestCluster;
  beforeEach(async () => {
    c = await startTestCluster({ plugins: [disruptionPlugin] });
    for (const n of ['a', 'b']) {
      await c.client.create(pod(n, { app: 'web' }));
      await setRunning(c.client, n, true, c.clock.now());
    }
  });
  afterEach(() => c.stop());

  const evict = (name: string, opts?: Eviction['deleteOptions'], dryRun = false) => c.client.postSubresource(PodKind, name, 'eviction', eviction(name, opts), { namespace: 'default', dryRun });
  const getPdb = () => c.client.get<PodDisruptionBudget>(PodDisruptionBudgetKind, 'web', { namespace: 'default' });
  const getPod = (name: string) => c.client.get<Pod>(PodKind, name, { namespace: 'default' });

  it('takes one disruption, records the pod in disruptedPods, and refuses the next with 429 and a DisruptionBudget cause', async () => {
    await c.client.create(pdb('web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } }));
    await c.eventually(async () => (await getPdb()).status?.disruptionsAllowed === 1);
    await c.manager.stop(); // what the eviction wrote stays visible (the controller would prune the deleted pod)
    expect(await evict('a', { gracePeriodSeconds: 0 })).toMatchObject({ status: 'Success', code: 201 });
    await expect(getPod('a')).rejects.toMatchObject({ code: 404 });
    const after = await getPdb();
    expect(after.status).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 1, disruptedPods: { a: '2025-01-01T00:00:00Z' } });
    expect(after.status!.conditions![0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
    const err = await evict('b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toMatchObject({
      code: 429,
      reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 2 currently' }] },
    });
    expect((await getPod('b')).metadata.deletionTimestamp).toBeUndefined();
  });

  it('the controller gives the budget back once the evicted pod is gone', async () => {
    await c.client.create(pdb('web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } }));
    await c.eventually(async () => (await getPdb()).status?.disruptionsAllowed === 1);
    await evict('a', { gracePeriodSeconds: 0 });
    await c.client.create(pod('a2', { app: 'web' }));
    await setRunning(c.client, 'a2', true, c.clock.now());
    const got = (await c.eventually(async () => ((await getPdb()).status?.disruptionsAllowed === 1 ? getPdb() : undefined))) as PodDisruptionBudget;
    expect(got.status).toMatchObject({ currentHealthy: 2, expectedPods: 2 });
    expect(got.status!.disruptedPods).toBeUndefined();
  });

  it('a bound pod evicted with the default grace period is terminating, with DisruptionTarget=True', async () => {
    await evict('a');
    const p = await getPod('a');
    expect(p.metadata.deletionTimestamp).toBe('2025-01-01T00:00:30Z');
    expect(p.status!.conditions!.find((x) => x.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
    // Already terminating: a second eviction skips the budget checks and shortens the grace period.
    await c.client.create(pdb('web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }));
    await c.eventually(async () => (await getPdb()).status?.observedGeneration === 1);
    await evict('a', { gracePeriodSeconds: 0 });
    await expect(getPod('a')).rejects.toMatchObject({ code: 404 });
  });

  it('a budget whose status is stale answers 429 "still being processed"; Pending pods skip budgets', async () => {
    await c.client.create(pdb('web', { minAvailable: 0, selector: { matchLabels: { app: 'web' } } }));
    await c.eventually(async () => (await getPdb()).status?.observedGeneration === 1);
    await c.manager.stop(); // the disruption controller no longer catches up
    const cur = await getPdb();
    await c.client.update({ ...cur, spec: { ...cur.spec, minAvailable: 1 } });
    await expect(evict('a')).rejects.toMatchObject({ status: { code: 429, details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web is still being processed by the server.' }] } } });
    await c.client.create(pod('pending', { app: 'web' }));
    expect(await evict('pending')).toMatchObject({ status: 'Success' });
  });

  it('unready pods go when the budget is healthy anyway, or with AlwaysAllow; two budgets are a 500', async () => {
    await c.client.create(pod('sick', { app: 'web' }));
    await setRunning(c.client, 'sick', false, c.clock.now());
    await c.client.create(pdb('web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }));
    await c.eventually(async () => (await getPdb()).status?.currentHealthy === 2);
    expect((await getPdb()).status!.disruptionsAllowed).toBe(0);
    await evict('sick', { gracePeriodSeconds: 0 });
    await expect(getPod('sick')).rejects.toMatchObject({ code: 404 });
    expect((await getPdb()).status!.disruptedPods).toBeUndefined();

    // Below its budget, an unready pod is protected unless the policy is AlwaysAllow.
    const cur = await getPdb();
    await c.client.update({ ...cur, spec: { ...cur.spec, minAvailable: 3 } });
    await c.eventually(async () => (await getPdb()).status?.observedGeneration === 2);
    await c.client.create(pod('sick2', { app: 'web' }));
    await setRunning(c.client, 'sick2', false, c.clock.now());
    await expect(evict('sick2')).rejects.toMatchObject({ status: { code: 429 } });
    const again = await getPdb();
    await c.client.update({ ...again, spec: { ...again.spec, unhealthyPodEvictionPolicy: 'AlwaysAllow' } });
    await c.eventually(async () => (await getPdb()).status?.observedGeneration === 3);
    await evict('sick2', { gracePeriodSeconds: 0 });
    await expect(getPod('sick2')).rejects.toMatchObject({ code: 404 });

    await c.client.create(pdb('second', { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } }));
    await expect(evict('a')).rejects.toMatchObject({ status: { code: 500, message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' } });
  });

  it('dry run takes nothing from the budget and deletes nothing; a name mismatch is a 400', async () => {
    await c.client.create(pdb('web', { minAvailable: 1, selector: { matchLabels: { app: 'web' } } }));
    await c.eventually(async () => (await getPdb()).status?.disruptionsAllowed === 1);
    await evict('a', undefined, true);
    expect((await getPod('a')).metadata.deletionTimestamp).toBeUndefined();
    expect((await getPdb()).status).toMatchObject({ disruptionsAllowed: 1 });
    await expect(c.client.postSubresource(PodKind, 'a', 'eviction', eviction('b'), { namespace: 'default' })).rejects.toMatchObject({ code: 400 });
  });
});

describe('stale DisruptionTarget conditions', () => {
  it('a pod marked as a disruption target but not deleted gets DisruptionTarget=False after two minutes', async () => {
    const c = await startTestCluster({ plugins: [disruptionPlugin] });
    try {
      await c.client.create(pod('a', { app: 'web' }));
      const p = await setRunning(c.client, 'a', true, c.clock.now());
      const conditions = [...p.status!.conditions!, { type: 'DisruptionTarget', status: 'True' as const, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: '2025-01-01T00:00:00Z' }];
      await c.client.updateStatus<Pod>({ ...p, status: { ...p.status, conditions } });
      const target = async () => (await c.client.get<Pod>(PodKind, 'a', { namespace: 'default' })).status!.conditions!.find((x) => x.type === 'DisruptionTarget')!;
      await new Promise((r) => setTimeout(r, 20));
      await c.advance(119_000);
      expect((await target()).status).toBe('True');
      await c.advance(1_000);
      await c.eventually(async () => (await target()).status === 'False');
      expect(await target()).toEqual({ type: 'DisruptionTarget', status: 'False', lastTransitionTime: '2025-01-01T00:02:00Z' });
    } finally {
      await c.stop();
    }
  });
});
