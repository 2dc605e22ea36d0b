/**
 * kube's rolling.go: scale the new ReplicaSet up within maxSurge, then the old ones down within
 * maxUnavailable (unhealthy replicas first), oldest first.
 */
import type { ReplicaSet } from '@keelson/api';
import { cleanupDeployment, getAllReplicaSets } from './sync.js';
import { type SyncState, scaleAndRecord } from './state.js';
import { deploymentComplete, syncRolloutStatus } from './status.js';
import { availableReplicas, byCreation, desiredOf, filterActive, maxUnavailable, newRSNewReplicas, replicasOf, specReplicas } from './util.js';

/** rolloutRolling; returns a requeue delay for the progress deadline, if any. */
export async function rolloutRolling(s: SyncState, rsList: readonly ReplicaSet[]): Promise<number | undefined> {
  const { newRS, oldRSs } = await getAllReplicaSets(s, rsList, true);
  const all = [...oldRSs, newRS!];
  const up = await reconcileNewReplicaSet(s, all, newRS!);
  if (up.scaled) return syncRolloutStatus(s, [...oldRSs, up.rs], up.rs);
  const down = await reconcileOldReplicaSets(s, all, filterActive(oldRSs), newRS!);
  if (down) return syncRolloutStatus(s, all, newRS);
  if (deploymentComplete(s.d, s.d.status ?? {})) await cleanupDeployment(s, oldRSs);
  return syncRolloutStatus(s, all, newRS);
}

/** reconcileNewReplicaSet: scale down to spec.replicas if above, else up as far as maxSurge allows. */
export async function reconcileNewReplicaSet(s: SyncState, allRSs: ReplicaSet[], newRS: ReplicaSet): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const desired = desiredOf(s.d);
  if (replicasOf(newRS) === desired) return { scaled: false, rs: newRS };
  if (replicasOf(newRS) > desired) return scaleAndRecord(s, newRS, desired);
  return scaleAndRecord(s, newRS, newRSNewReplicas(s.d, allRSs, newRS));
}

/** reconcileOldReplicaSets: true when any old replica was scaled down. */
export async function reconcileOldReplicaSets(s: SyncState, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (specReplicas(oldRSs) === 0) return false;
  const allPods = specReplicas(allRSs);
  const minAvailable = desiredOf(s.d) - maxUnavailable(s.d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { oldRSs: cleaned, count: cleanedUp } = await cleanupUnhealthyReplicas(s, oldRSs, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(s, [...cleaned, newRS], cleaned);
  return cleanedUp + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: scale away old replicas that are not available, up to maxCleanup. */
export async function cleanupUnhealthyReplicas(s: SyncState, oldRSs: ReplicaSet[], maxCleanup: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanup) break;
    const rs = sorted[i]!;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
    const count = Math.min(maxCleanup - total, replicasOf(rs) - available);
    const next = replicasOf(rs) - count;
    if (next > replicasOf(rs)) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${replicasOf(rs)} -> ${next}`);
    const res = await scaleAndRecord(s, rs, next);
    total += count;
    sorted[i] = res.rs;
  }
  return { oldRSs: sorted, count: total };
}

/** scaleDownOldReplicaSetsForRollingUpdate: scale old ReplicaSets down while availability stays above the minimum. */
export async function scaleDownOldReplicaSetsForRollingUpdate(s: SyncState, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = desiredOf(s.d) - maxUnavailable(s.d);
  const available = availableReplicas(allRSs);
  if (available <= minAvailable) return 0;
  const total = available - minAvailable;
  let done = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (done >= total) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), total - done);
    const next = replicasOf(rs) - count;
    if (next > replicasOf(rs)) throw new Error(`when scaling down old replica sets, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${replicasOf(rs)} -> ${next}`);
    await scaleAndRecord(s, rs, next);
    done += count;
  }
  return done;
}
