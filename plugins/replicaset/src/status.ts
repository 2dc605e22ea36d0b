/**
 * A replica controller's status (kube's calculateStatus and updateReplicaSetStatus): pod
 * counts, observedGeneration and the ReplicaFailure condition, written through the status
 * subresource only when something changed.
 */
import { isPodAvailable, isPodReady, type KindDefinition, type Pod, podAvailableIn, type ReplicaSetCondition, type ReplicaSetStatus, selectorFromSet } from '@keelson/api';
import { type Client, rfc3339 } from '@keelson/core';
import type { Replicated } from './replicated.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

/** Why a sync failed to reach the desired count: the reason of the ReplicaFailure condition. */
export function failureReason(activePods: number, desired: number): string {
  const diff = activePods - desired;
  return diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
}

export function getCondition(status: ReplicaSetStatus | undefined, type: string): ReplicaSetCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** SetCondition: replaces the condition of that type unless status and reason are unchanged. */
export function setCondition(status: ReplicaSetStatus, cond: ReplicaSetCondition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), cond];
}

export function removeCondition(status: ReplicaSetStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length) status.conditions = rest;
  else delete status.conditions;
}

export interface CalculatedStatus {
  status: ReplicaSetStatus;
  /** Ms until the next ready pod becomes available (minReadySeconds), if one is waiting. */
  nextAvailableInMs?: number;
}

/**
 * The status the pods imply: replicas (active pods), fullyLabeledReplicas (pods carrying every
 * template label), readyReplicas, availableReplicas (ready for minReadySeconds at `now`), and
 * the ReplicaFailure condition set on a create/delete error, removed once a sync succeeds.
 */
export function calculateStatus(obj: Replicated, pods: readonly Pod[], manageError: unknown, now: number): CalculatedStatus {
  const status: ReplicaSetStatus = structuredClone(obj.status ?? { replicas: 0 });
  const templateLabels = selectorFromSet(obj.spec?.template?.metadata?.labels ?? {});
  const minReady = obj.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  let nextAvailableInMs: number | undefined;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata.labels ?? {})) fullyLabeled++;
    if (!isPodReady(pod)) continue;
    ready++;
    if (isPodAvailable(pod, minReady, now)) available++;
    else {
      const wait = podAvailableIn(pod, minReady, now);
      if (wait !== undefined && (nextAvailableInMs === undefined || wait < nextAvailableInMs)) nextAvailableInMs = wait;
    }
  }
  const failure = getCondition(status, REPLICA_FAILURE);
  if (manageError !== undefined && manageError !== null && !failure) {
    setCondition(status, {
      type: REPLICA_FAILURE,
      status: 'True',
      lastTransitionTime: rfc3339(now),
      reason: failureReason(pods.length, obj.spec?.replicas ?? 1),
      message: manageError instanceof Error ? manageError.message : String(manageError),
    });
  } else if ((manageError === undefined || manageError === null) && failure) {
    removeCondition(status, REPLICA_FAILURE);
  }
  status.replicas = pods.length;
  setCount(status, 'fullyLabeledReplicas', fullyLabeled);
  setCount(status, 'readyReplicas', ready);
  setCount(status, 'availableReplicas', available);
  return { status, ...(nextAvailableInMs !== undefined ? { nextAvailableInMs } : {}) };
}

/** The counts other than replicas are omitted when zero, as in kube's JSON (omitempty). */
function setCount(status: ReplicaSetStatus, field: 'fullyLabeledReplicas' | 'readyReplicas' | 'availableReplicas', n: number): void {
  if (n) status[field] = n;
  else delete status[field];
}

function sameStatus(obj: Replicated, next: ReplicaSetStatus): boolean {
  const cur = obj.status ?? { replicas: 0 };
  return (
    (cur.replicas ?? 0) === next.replicas &&
    (cur.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (cur.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (cur.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    obj.metadata.generation === cur.observedGeneration &&
    JSON.stringify(cur.conditions ?? []) === JSON.stringify(next.conditions ?? [])
  );
}

/**
 * Writes the status if it changed (with observedGeneration = the generation acted on), through
 * the status subresource; on a failed write re-reads the object and tries once more (kube's
 * statusUpdateRetries = 1). Returns the object as stored.
 */
export async function updateStatus<T extends Replicated>(client: Client, kind: KindDefinition<T>, obj: T, next: ReplicaSetStatus): Promise<T> {
  if (sameStatus(obj, next)) return obj;
  const status = { ...next, observedGeneration: obj.metadata.generation };
  let current: T = obj;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.updateStatus<T>({ ...current, status } as T, { kind });
    } catch (err) {
      if (attempt >= 1) throw err;
      current = await client.get<T>(kind, obj.metadata.name!, { namespace: obj.metadata.namespace });
    }
  }
}
