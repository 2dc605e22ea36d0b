/** kube's recreate.go: scale every old ReplicaSet to 0, wait for their pods to go, then scale the new one up. */
import type { Pod, ReplicaSet } from '@keelson/api';
import { type SyncState, scaleAndRecord } from './state.js';
import { reconcileNewReplicaSet } from './rolling.js';
import { deploymentComplete, syncRolloutStatus } from './status.js';
import { cleanupDeployment, getAllReplicaSets } from './sync.js';
import { actualReplicas, filterActive } from './util.js';

/** Pods of the Deployment by the uid of their ReplicaSet (kube's getPodMapForDeployment). */
export type PodMap = Map<string, Pod[]>;

/** rolloutRecreate. */
export async function rolloutRecreate(s: SyncState, rsList: readonly ReplicaSet[], podMap: PodMap): Promise<number | undefined> {
  let { newRS, oldRSs } = await getAllReplicaSets(s, rsList, false);
  let all = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) if ((await scaleAndRecord(s, rs, 0)).scaled) scaledDown = true;
  if (scaledDown) return syncRolloutStatus(s, all, newRS);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(s, all, newRS);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSets(s, rsList, true));
    all = [...oldRSs, newRS];
  }
  const up = await reconcileNewReplicaSet(s, all.filter((r): r is ReplicaSet => !!r), newRS!);
  if (up.scaled) {
    newRS = up.rs;
    all = [...oldRSs, newRS];
  }
  if (deploymentComplete(s.d, s.d.status ?? {})) await cleanupDeployment(s, oldRSs);
  return syncRolloutStatus(s, all, newRS);
}

/** oldPodsRunning: an old ReplicaSet still reports pods, or a pod of one is not Succeeded/Failed. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicas(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}
