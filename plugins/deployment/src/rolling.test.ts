import type { IntOrString } from '@keelson/api';
import { afterEach, describe, expect, it } from 'vitest';
import { newDeployment } from './fixtures.js';
import { Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.c.stop());

/** Rolls nginx:1 out to nginx:2 and returns the ReplicaSet sizes {1: old, 2: new} at each quiescent step. */
async function rollingUpdate(replicas: number, maxSurge: IntOrString, maxUnavailable: IntOrString) {
  h = await Harness.start();
  await h.deploys().create(newDeployment('web', replicas, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } }, 'nginx:1'));
  const first = await h.rollout('web');
  expect(first.at(-1)!.sizes).toEqual({ '1': replicas });
  await h.deploys().patch('web', 'json', [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:2' }]);
  const steps = await h.rollout('web');
  return steps.map((s) => [s.sizes['2'] ?? 0, s.sizes['1'] ?? 0, s.pods]);
}

describe('rolling update, step by step as kube', () => {
  it('(3, maxSurge 1, maxUnavailable 0): one new pod at a time, never fewer than 3 available', async () => {
    expect(await rollingUpdate(3, 1, 0)).toEqual([
      [1, 3, 4],
      [2, 2, 4],
      [3, 1, 4],
      [3, 0, 3],
    ]);
  });

  it('(3, maxSurge 0, maxUnavailable 1): an old pod goes before each new one', async () => {
    expect(await rollingUpdate(3, 0, 1)).toEqual([
      [1, 2, 3],
      [2, 1, 3],
      [3, 0, 3],
      [3, 0, 3],
    ]);
  });

  it('(10, 25%, 25%): surge 3 (rounded up), unavailable 2 (rounded down)', async () => {
    expect(await rollingUpdate(10, '25%', '25%')).toEqual([
      [5, 8, 13],
      [10, 3, 13],
      [10, 0, 10],
    ]);
  });

  it('(4, 1, 1) with no pod ever ready: unhealthy old replicas are scaled away first (cleanupUnhealthyReplicas)', async () => {
    h = await Harness.start();
    await h.deploys().create(newDeployment('web', 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }, 'nginx:1'));
    expect((await h.settle()).sizes).toEqual({ '1': 4 });
    await h.deploys().patch('web', 'json', [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:2' }]);
    // New 1 (surge); old 4 → 3 (one unhealthy replica may go: 5 - 3 min available - 1 new unavailable); new 2.
    expect(await h.settle()).toEqual({ sizes: { '1': 3, '2': 2 }, pods: 5, ready: 0 });
    const d = await h.deployment('web');
    expect(d.status).toMatchObject({ replicas: 5, updatedReplicas: 2, unavailableReplicas: 5 });
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  });
});
