import { type Event as KubeEvent, getControllerOf, type ReplicaSet } from '@keelson/api';
import { EventKind } from '@keelson/plugin-core';
import { ReplicaSetKind } from '@keelson/plugin-replicaset';
import { afterEach, describe, expect, it } from 'vitest';
import { newDeployment } from './fixtures.js';
import { Harness } from './harness.js';
import { CHANGE_CAUSE_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION } from './util.js';

let h: Harness;
afterEach(() => h?.c.stop());

const setImage = (image: string) => h.deploys().patch('web', 'json', [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }]);
const byRevision = (rss: ReplicaSet[]) => Object.fromEntries(rss.map((rs) => [rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '', rs]));
const events = async () => (await h.c.client.list<KubeEvent>(EventKind, { namespace: 'default' })).items.filter((e) => e.involvedObject.kind === 'Deployment');

describe('deployment controller', () => {
  it('creates <name>-<pod-template-hash> with the hash label, revision and replica annotations, and reports status', async () => {
    h = await Harness.start();
    const d = newDeployment('web', 2);
    d.metadata.annotations = { [CHANGE_CAUSE_ANNOTATION]: 'first', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    const created = await h.deploys().create(d);
    await h.rollout('web');
    const [rs] = await h.replicaSets();
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.spec?.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs!.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata.annotations).toEqual({ [REVISION_ANNOTATION]: '1', [DESIRED_REPLICAS_ANNOTATION]: '2', [MAX_REPLICAS_ANNOTATION]: '3', [CHANGE_CAUSE_ANNOTATION]: 'first' });
    expect(getControllerOf(rs!)).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true });
    const got = await h.deployment('web');
    expect(got.metadata.annotations?.[REVISION_ANNOTATION]).toBe('1');
    expect(got.status).toMatchObject({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(got.status?.unavailableReplicas).toBeUndefined();
    expect(got.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`],
    ]);
    const msgs = (await events()).map((e) => [e.reason, e.message, e.source?.component]);
    expect(msgs).toContainEqual(['ScalingReplicaSet', `Scaled up replica set web-${hash} to 2`, 'deployment-controller']);
  });

  it('Recreate: scales the old ReplicaSet to 0 before the new one comes up', async () => {
    h = await Harness.start();
    await h.deploys().create(newDeployment('web', 3, { strategy: { type: 'Recreate' } }, 'nginx:1'));
    await h.rollout('web');
    await setImage('nginx:2');
    const steps = await h.rollout('web');
    for (const s of steps) expect((s.sizes['1'] ?? 0) > 0 && (s.sizes['2'] ?? 0) > 0).toBe(false);
    expect(steps.at(-1)!.sizes).toEqual({ '1': 0, '2': 3 });
    const msgs = (await events()).map((e) => e.message ?? '');
    expect(msgs.some((m) => /^Scaled down replica set web-\w+ to 0 from 3$/.test(m))).toBe(true);
    expect(msgs.some((m) => /^Scaled up replica set web-\w+ to 3$/.test(m))).toBe(true);
  });

  it('rollback by template (rollout undo) reuses the old ReplicaSet and bumps its revision', async () => {
    h = await Harness.start();
    await h.deploys().create(newDeployment('web', 2, {}, 'nginx:1'));
    await h.rollout('web');
    await setImage('nginx:2');
    await h.rollout('web');
    const first = byRevision(await h.replicaSets())['1']!;
    // What kubectl rollout undo sends: the old template without pod-template-hash.
    const template = structuredClone(first.spec!.template!);
    delete template.metadata!.labels!['pod-template-hash'];
    await h.deploys().patch('web', 'json', [{ op: 'replace', path: '/spec/template', value: template }]);
    const steps = await h.rollout('web');
    expect(steps.at(-1)!.sizes).toEqual({ '2': 0, '3': 2 });
    const rss = await h.replicaSets();
    expect(rss).toHaveLength(2);
    const reused = byRevision(rss)['3']!;
    expect(reused.metadata.uid).toBe(first.metadata.uid);
    expect(reused.metadata.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('1');
    expect((await h.deployment('web')).metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
  });

  it('keeps revisionHistoryLimit old ReplicaSets', async () => {
    h = await Harness.start();
    await h.deploys().create(newDeployment('web', 1, { revisionHistoryLimit: 1 }, 'nginx:1'));
    await h.rollout('web');
    await setImage('nginx:2');
    await h.rollout('web');
    await setImage('nginx:3');
    await h.rollout('web');
    await h.settle();
    await h.c.eventually(async () => (await h.replicaSets()).length === 2);
    expect(Object.keys(byRevision(await h.replicaSets())).sort()).toEqual(['2', '3']);
  });

  it('reports ProgressDeadlineExceeded when no progress is made within progressDeadlineSeconds', async () => {
    h = await Harness.start();
    await h.deploys().create(newDeployment('web', 2, { progressDeadlineSeconds: 30 }));
    await h.settle();
    let d = await h.deployment('web');
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    expect(d.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(d.status?.unavailableReplicas).toBe(2);
    await h.c.advance(31_000);
    d = (await h.c.eventually(async () => {
      const x = await h.deployment('web');
      return x.status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
    }))!;
    const [rs] = await h.replicaSets();
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', message: `ReplicaSet "${rs!.metadata.name}" has timed out progressing.` });
  });

  it('pause stops the rollout (DeploymentPaused), resume continues it', async () => {
    h = await Harness.start();
    await h.deploys().create(newDeployment('web', 2, {}, 'nginx:1'));
    await h.rollout('web');
    await h.deploys().patch('web', 'merge', { spec: { paused: true } });
    await setImage('nginx:2');
    await h.settle();
    expect(await h.replicaSets()).toHaveLength(1);
    const paused = await h.deployment('web');
    expect(paused.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    await h.deploys().patch('web', 'merge', { spec: { paused: false } });
    const steps = await h.rollout('web');
    expect(steps.at(-1)!.sizes).toEqual({ '1': 0, '2': 2 });
  });

  it('scales a Deployment mid-rollout proportionally (getProportion)', async () => {
    h = await Harness.start();
    await h.deploys().create(newDeployment('web', 10, {}, 'nginx:1'));
    await h.rollout('web');
    await setImage('nginx:2');
    expect((await h.settle()).sizes).toEqual({ '1': 8, '2': 5 });
    await h.deploys().patch('web', 'merge', { spec: { replicas: 20 } });
    await h.settle();
    // 25 allowed (20 + 25% surge), 13 running: +12 split by the max-replicas annotation (13): 8 → 15, 5 → 10.
    const msgs = (await events()).map((e) => e.message ?? '');
    expect(msgs.some((m) => /^Scaled up replica set web-\w+ to 15 from 8$/.test(m))).toBe(true);
    expect(msgs.some((m) => /^Scaled up replica set web-\w+ to 10 from 5$/.test(m))).toBe(true);
    const steps = await h.rollout('web');
    expect(steps.at(-1)!.sizes).toEqual({ '1': 0, '2': 20 });
  });

  it('adopts a matching orphan ReplicaSet', async () => {
    h = await Harness.start();
    const d = newDeployment('web', 1);
    const created = await h.deploys().create(d);
    await h.settle();
    const [rs] = await h.replicaSets();
    // Orphan it (as kubectl delete --cascade=orphan would leave it), then let the controller adopt it again.
    await h.c.client.patch(ReplicaSetKind, rs!.metadata.name!, 'merge', { metadata: { ownerReferences: null } }, { namespace: 'default' });
    await h.c.eventually(async () => getControllerOf((await h.replicaSets())[0]!)?.uid === created.metadata.uid);
    expect(await h.replicaSets()).toHaveLength(1);
  });
});
