/**
 * What one sync of a Deployment works with: the Deployment as last written (status and revision
 * writes replace it), the client, the clock, the Event recorder; and the writes kube's
 * deployment controller makes to ReplicaSets (scaleReplicaSet) and to the Deployment.
 */
import type { Deployment, DeploymentStatus, ReplicaSet } from '@keelson/api';
import type { Client, EventRecorder } from '@keelson/core';
import { ReplicaSetKind } from '@keelson/plugin-replicaset';
import { DeploymentKind } from './deployment-kind.js';
import { desiredOf, maxSurge, replicasAnnotationsNeedUpdate, replicasOf, setReplicasAnnotations } from './util.js';

export interface SyncState {
  /** The Deployment: a private copy, replaced by what each write returns. */
  d: Deployment;
  client: Client;
  now(): number;
  recorder: EventRecorder;
}

/** Writes d.status through the status subresource (kube's UpdateStatus). */
export async function writeStatus(s: SyncState, status: DeploymentStatus = s.d.status ?? {}): Promise<void> {
  s.d = await s.client.updateStatus<Deployment>({ ...s.d, status }, { kind: DeploymentKind });
}

/** Writes the Deployment's metadata (the revision annotation): status writes keep the stored metadata. */
export async function writeDeployment(s: SyncState): Promise<void> {
  const status = s.d.status;
  s.d = await s.client.update<Deployment>(s.d, { kind: DeploymentKind });
  if (status) s.d.status = status;
}

export async function updateReplicaSet(s: SyncState, rs: ReplicaSet): Promise<ReplicaSet> {
  return s.client.update<ReplicaSet>(rs, { kind: ReplicaSetKind });
}

/**
 * scaleReplicaSet: sets spec.replicas and the desired/max-replicas annotations; the Event
 * "Scaled <op> replica set <name> to <new> from <old>" when the size changed.
 */
export async function scaleReplicaSet(s: SyncState, rs: ReplicaSet, newScale: number, op: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const d = s.d;
  const sizeNeedsUpdate = replicasOf(rs) !== newScale;
  const max = desiredOf(d) + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desiredOf(d), max)) return { scaled: false, rs };
  const copy = structuredClone(rs);
  const oldScale = replicasOf(rs);
  copy.spec!.replicas = newScale;
  setReplicasAnnotations(copy, desiredOf(d), max);
  const updated = await updateReplicaSet(s, copy);
  if (sizeNeedsUpdate) s.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} to ${newScale} from ${oldScale}`);
  return { scaled: sizeNeedsUpdate, rs: updated };
}

/** scaleReplicaSetAndRecordEvent: nothing to do when the size is already right. */
export async function scaleAndRecord(s: SyncState, rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  if (replicasOf(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(s, rs, newScale, replicasOf(rs) < newScale ? 'up' : 'down');
}
