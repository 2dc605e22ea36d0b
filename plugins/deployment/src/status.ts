/**
 * A Deployment's status (kube's calculateStatus, syncRolloutStatus, syncDeploymentStatus and
 * checkPausedConditions, progress.go): counts summed over its ReplicaSets, the Available and
 * Progressing conditions with kube's reasons, and the progress deadline.
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from '@keelson/api';
import { rfc3339 } from '@keelson/core';
import { type SyncState, writeStatus } from './state.js';
import { actualReplicas, availableReplicas, desiredOf, hasProgressDeadline, maxUnavailable, readyReplicas, specReplicas } from './util.js';

export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';
export const Reasons = {
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  newReplicaSetCreated: 'NewReplicaSetCreated',
  foundNewReplicaSet: 'FoundNewReplicaSet',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedCreate: 'ReplicaSetCreateError',
} as const;

export function newCondition(now: number, type: string, status: DeploymentCondition['status'], reason: string, message: string): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** SetDeploymentCondition: no change when status and reason are the same; lastTransitionTime kept while status is. */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length) status.conditions = rest;
  else delete status.conditions;
}

/** Counts are omitted when zero, as kube's JSON (omitempty). */
function setCount(status: DeploymentStatus, key: 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas', n: number): void {
  if (n) status[key] = n;
  else delete status[key];
}

/** calculateStatus. */
export function calculateStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = availableReplicas(allRSs);
  const total = specReplicas(allRSs);
  const status: DeploymentStatus = { observedGeneration: d.metadata.generation };
  setCount(status, 'replicas', actualReplicas(allRSs));
  setCount(status, 'updatedReplicas', actualReplicas([newRS]));
  setCount(status, 'readyReplicas', readyReplicas(allRSs));
  setCount(status, 'availableReplicas', available);
  setCount(status, 'unavailableReplicas', Math.max(0, total - available));
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= desiredOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(now, AVAILABLE, 'True', Reasons.minimumReplicasAvailable, 'Deployment has minimum availability.'));
  } else {
    setCondition(status, newCondition(now, AVAILABLE, 'False', Reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.'));
  }
  return status;
}

/** DeploymentComplete. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const desired = desiredOf(d);
  return (s.updatedReplicas ?? 0) === desired && (s.replicas ?? 0) === desired && (s.availableReplicas ?? 0) === desired && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available pods than before. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** DeploymentTimedOut: the Progressing condition was last updated more than progressDeadlineSeconds ago. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(s, PROGRESSING);
  if (!cond) return false;
  if (cond.reason === Reasons.newReplicaSetAvailable) return false;
  if (cond.reason === Reasons.timedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  return from + d.spec!.progressDeadlineSeconds! * 1000 < now;
}

/** Conditions of ReplicaFailure of the new ReplicaSet first, else of any (ReplicaSetToDeploymentCondition). */
function replicaFailures(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const of = (rs: ReplicaSet | undefined) =>
    (rs?.status?.conditions ?? [])
      .filter((c) => c.type === REPLICA_FAILURE)
      .map((c) => ({ type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message }));
  const first = of(newRS);
  return first.length ? first : allRSs.flatMap(of);
}

function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return JSON.stringify(canon(a ?? {})) === JSON.stringify(canon(b));
}
function canon(s: DeploymentStatus): unknown {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined && v !== 0).sort(([x], [y]) => (x < y ? -1 : 1)));
}

/**
 * syncRolloutStatus: the status, the Progressing condition (complete, progressing or timed
 * out), ReplicaFailure from the ReplicaSets. Returns ms after which to look at the deadline
 * again when nothing changed (kube's requeueStuckDeployment), if any.
 */
export async function syncRolloutStatus(s: SyncState, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<number | undefined> {
  const d = s.d;
  const now = s.now();
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const complete = status.replicas === status.updatedReplicas && current?.reason === Reasons.newReplicaSetAvailable;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : '';
      setCondition(status, newCondition(now, PROGRESSING, 'True', Reasons.newReplicaSetAvailable, msg));
    } else if (deploymentProgressing(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newCondition(now, PROGRESSING, 'True', Reasons.replicaSetUpdated, msg);
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, PROGRESSING);
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(status, newCondition(now, PROGRESSING, 'False', Reasons.timedOut, msg));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length) setCondition(status, failures[0]!);
  else removeCondition(status, REPLICA_FAILURE);
  if (sameStatus(d.status, status)) return requeueStuck(d, status, now);
  await writeStatus(s, status);
  return undefined;
}

/** requeueStuckDeployment: ms until the deadline of a rollout without progress (0: at once, rate limited). */
function requeueStuck(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  const cond = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !cond) return undefined;
  if (deploymentComplete(d, status) || cond.reason === Reasons.timedOut) return undefined;
  const after = Date.parse(cond.lastUpdateTime ?? '') + d.spec!.progressDeadlineSeconds! * 1000 - now;
  return after < 1000 ? 1000 : after;
}

/** syncDeploymentStatus: the counts and Available only (scaling and paused Deployments). */
export async function syncDeploymentStatus(s: SyncState, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
  const status = calculateStatus(allRSs, newRS, s.d, s.now());
  if (sameStatus(s.d.status, status)) return;
  await writeStatus(s, status);
}

/** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
export async function checkPausedConditions(s: SyncState): Promise<void> {
  const d = s.d;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, PROGRESSING);
  if (cond?.reason === Reasons.timedOut) return;
  const pausedExists = cond?.reason === Reasons.paused;
  const status = structuredClone(d.status ?? {});
  if (d.spec?.paused && !pausedExists) setCondition(status, newCondition(s.now(), PROGRESSING, 'Unknown', Reasons.paused, 'Deployment is paused'));
  else if (!d.spec?.paused && pausedExists) setCondition(status, newCondition(s.now(), PROGRESSING, 'Unknown', Reasons.resumed, 'Deployment is resumed'));
  else return;
  await writeStatus(s, status);
}
