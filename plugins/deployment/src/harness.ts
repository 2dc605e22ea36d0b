/** A rollout harness for this plugin's tests (not exported): a test cluster without a node agent, where tests make pods ready. */
import type { Deployment, Pod, ReplicaSet } from '@keelson/api';
import { rfc3339 } from '@keelson/core';
import { PodKind } from '@keelson/plugin-core';
import replicasetPlugin, { ReplicaSetKind } from '@keelson/plugin-replicaset';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import deploymentPlugin, { DeploymentKind } from './index.js';
import { REVISION_ANNOTATION } from './util.js';

export interface Snapshot {
  /** spec.replicas of each ReplicaSet, by revision. */
  sizes: Record<string, number>;
  pods: number;
  ready: number;
}

export class Harness {
  constructor(readonly c: TestCluster) {}

  static async start(): Promise<Harness> {
    return new Harness(await startTestCluster({ plugins: [replicasetPlugin, deploymentPlugin] }));
  }

  deploys = () => this.c.client.resource<Deployment>(DeploymentKind, 'default');
  deployment = (name: string) => this.deploys().get(name);
  replicaSets = async () => (await this.c.client.list<ReplicaSet>(ReplicaSetKind, { namespace: 'default' })).items;
  pods = async () => (await this.c.client.list<Pod>(PodKind, { namespace: 'default' })).items.filter((p) => !p.metadata.deletionTimestamp);

  /** As a node agent would: every live pod not yet ready becomes Running and Ready now. */
  async makeReady(): Promise<number> {
    const t = rfc3339(this.c.clock.now());
    let n = 0;
    for (const p of await this.pods()) {
      if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      await this.c.client.updateStatus<Pod>({
        ...p,
        status: {
          phase: 'Running',
          conditions: [
            { type: 'Ready', status: 'True', lastTransitionTime: t },
            { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
          ],
          containerStatuses: (p.spec?.containers ?? []).map((c) => ({ name: c.name, ready: true, restartCount: 0, image: c.image ?? '', imageID: '', state: { running: { startedAt: t } } })),
          startTime: t,
        },
      }, { kind: PodKind });
      n++;
    }
    return n;
  }

  async snapshot(): Promise<Snapshot & { key: string }> {
    const rss = await this.replicaSets();
    const sizes: Record<string, number> = {};
    for (const rs of rss) sizes[rs.metadata.annotations?.[REVISION_ANNOTATION] ?? rs.metadata.name!] = rs.spec?.replicas ?? 0;
    const pods = await this.pods();
    const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    const rsState = rss.map((rs) => `${rs.metadata.name}:${rs.spec?.replicas}/${rs.status?.replicas}/${rs.status?.availableReplicas ?? 0}/${rs.status?.observedGeneration}/${rs.metadata.generation}`).sort();
    const ds = (await this.deploys().list()).items.map((d) => `${d.metadata.resourceVersion}`);
    return { sizes, pods: pods.length, ready, key: JSON.stringify([rsState, pods.length, ready, ds]) };
  }

  /**
   * Waits until nothing changes any more (every ReplicaSet's status caught up with its spec and
   * the state stable for a while), moving the FakeClock a little so that retries fire.
   */
  async settle(): Promise<Snapshot> {
    let last = '';
    let stable = 0;
    for (let i = 0; i < 400; i++) {
      await this.c.advance(20);
      await new Promise((r) => setTimeout(r, 10));
      const snap = await this.snapshot();
      const rss = await this.replicaSets();
      const caughtUp = rss.every((rs) => rs.status?.replicas === (rs.spec?.replicas ?? 0) && rs.status?.observedGeneration === rs.metadata.generation) && snap.pods === rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
      if (caughtUp && snap.key === last) {
        if (++stable >= 5) return { sizes: snap.sizes, pods: snap.pods, ready: snap.ready };
      } else stable = 0;
      last = snap.key;
    }
    throw new Error(`did not settle: ${last}`);
  }

  /** Settles, then makes pods ready and settles again until the Deployment is complete; the snapshots in between. */
  async rollout(name: string): Promise<Snapshot[]> {
    const steps: Snapshot[] = [];
    for (let i = 0; i < 50; i++) {
      const snap = await this.settle();
      steps.push(snap);
      const d = await this.deployment(name);
      const st = d.status ?? {};
      const want = d.spec?.replicas ?? 1;
      if ((st.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && (st.updatedReplicas ?? 0) === want && (st.replicas ?? 0) === want && (st.availableReplicas ?? 0) === want) return steps;
      if ((await this.makeReady()) === 0 && i > 0) throw new Error(`stuck: ${JSON.stringify(snap)}`);
    }
    throw new Error('rollout did not finish');
  }
}
