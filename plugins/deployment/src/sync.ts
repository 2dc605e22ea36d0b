/**
 * kube's deployment sync.go: the new ReplicaSet (found by template, or created named
 * <deployment>-<pod-template-hash>) and the revision annotations, proportional scaling of a
 * Deployment resized mid-rollout, and the revision history clean-up.
 */
import { isAlreadyExists, isNotFound, type ReplicaSet } from '@keelson/api';
import { ReplicaSetKind, newControllerRef } from '@keelson/plugin-replicaset';
import { type SyncState, scaleAndRecord, scaleReplicaSet, updateReplicaSet, writeDeployment, writeStatus } from './state.js';
import { getCondition, newCondition, PROGRESSING, Reasons, setCondition, syncDeploymentStatus } from './status.js';
import {
  byCreation,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  computeHash,
  DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY,
  equalIgnoreHash,
  desiredAnnotation,
  desiredOf,
  filterActive,
  findNewReplicaSet,
  findOldReplicaSets,
  hasProgressDeadline,
  isRollingUpdate,
  isSaturated,
  maxReplicasAnnotation,
  maxRevision,
  maxSurge,
  newRSNewReplicas,
  REVISION_ANNOTATION,
  replicasOf,
  setNewReplicaSetAnnotations,
  specReplicas,
} from './util.js';

export interface ReplicaSets {
  newRS?: ReplicaSet;
  oldRSs: ReplicaSet[];
}

/** SetDeploymentRevision on the Deployment's annotations; true when it changed. */
function setDeploymentRevision(s: SyncState, revision: string): boolean {
  const a = (s.d.metadata.annotations ??= {});
  if (a[REVISION_ANNOTATION] === revision) return false;
  a[REVISION_ANNOTATION] = revision;
  return true;
}

/** getAllReplicaSetsAndSyncRevision. */
export async function getAllReplicaSets(s: SyncState, rsList: readonly ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSets> {
  const oldRSs = findOldReplicaSets(s.d, rsList);
  const newRS = await getNewReplicaSet(s, rsList, oldRSs, createIfNotExisted);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(s: SyncState, rsList: readonly ReplicaSet[], oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
  const d = s.d;
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing) {
    const copy = structuredClone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
    const minReadyNeedsUpdate = (copy.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
    if (annotationsUpdated || minReadyNeedsUpdate) {
      if (d.spec?.minReadySeconds) copy.spec!.minReadySeconds = d.spec.minReadySeconds;
      else delete copy.spec!.minReadySeconds;
      return updateReplicaSet(s, copy);
    }
    const revisionChanged = setDeploymentRevision(s, copy.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
    if (revisionChanged) await writeDeployment(s);
    if (hasProgressDeadline(d) && !getCondition(s.d.status, PROGRESSING)) {
      const status = structuredClone(s.d.status ?? {});
      setCondition(status, newCondition(s.now(), PROGRESSING, 'True', Reasons.foundNewReplicaSet, `Found new replica set "${copy.metadata.name}"`));
      await writeStatus(s, status);
    }
    return copy;
  }
  if (!create) return undefined;

  const template = structuredClone(d.spec!.template!);
  const hash = computeHash(template, d.status?.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash } };
  const sel = structuredClone(d.spec!.selector);
  sel.matchLabels = { ...(sel.matchLabels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      labels: { ...template.metadata.labels },
    },
    spec: { replicas: 0, ...(d.spec?.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}), selector: sel, template },
  };
  const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec!.replicas = count;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await s.client.create<ReplicaSet>(newRS, { kind: ReplicaSetKind, namespace: d.metadata.namespace });
  } catch (err) {
    if (isAlreadyExists(err)) {
      const rs = await s.client.get<ReplicaSet>(ReplicaSetKind, newRS.metadata.name!, { namespace: d.metadata.namespace });
      const ref = rs.metadata.ownerReferences?.find((r) => r.controller);
      if (ref?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
        created = rs;
        alreadyExists = true;
      } else {
        // A hash collision: a new hash next time.
        const status = structuredClone(s.d.status ?? {});
        status.collisionCount = (status.collisionCount ?? 0) + 1;
        await writeStatus(s, status);
        throw err;
      }
    } else {
      if (hasProgressDeadline(d)) {
        const status = structuredClone(s.d.status ?? {});
        setCondition(status, newCondition(s.now(), PROGRESSING, 'False', Reasons.failedCreate, `Failed to create new replica set "${newRS.metadata.name}": ${(err as Error).message}`));
        await writeStatus(s, status).catch(() => undefined);
      }
      throw err;
    }
  }
  if (!alreadyExists && count > 0) s.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} to ${count}`);
  if (setDeploymentRevision(s, String(newRevision))) await writeDeployment(s);
  if (!alreadyExists && hasProgressDeadline(d)) {
    const status = structuredClone(s.d.status ?? {});
    setCondition(status, newCondition(s.now(), PROGRESSING, 'True', Reasons.newReplicaSetCreated, `Created new replica set "${created.metadata.name}"`));
    await writeStatus(s, status);
  }
  return created;
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active. */
function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort(byCreation).reverse();
  const active = filterActive([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** getReplicaSetFraction: this ReplicaSet's share of a resize, from its max-replicas annotation. */
function replicaSetFraction(s: SyncState, rs: ReplicaSet): number {
  const d = s.d;
  if (desiredOf(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = desiredOf(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  // Go divides by zero into ±Inf here; a ReplicaSet without a size to compare with keeps its share.
  if (annotated === 0) return 0;
  const size = (replicasOf(rs) * deploymentReplicas) / annotated;
  // Go's math.Round: half away from zero.
  const rounded = Math.sign(size) * Math.round(Math.abs(size));
  return rounded - replicasOf(rs);
}

/** GetProportion. */
function proportion(s: SyncState, rs: ReplicaSet, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(s, rs);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** scale: resizes the active ReplicaSets when the Deployment was resized (proportionally mid-rollout). */
export async function scale(s: SyncState, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const d = s.d;
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (replicasOf(only) !== desiredOf(d)) await scaleAndRecord(s, only, desiredOf(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await scaleAndRecord(s, old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = filterActive([...oldRSs, newRS]);
  const allowed = desiredOf(d) > 0 ? desiredOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(all);
  let op = '';
  if (toAdd > 0) {
    all.sort(bySizeNewer);
    op = 'up';
  } else if (toAdd < 0) {
    all.sort(bySizeOlder);
    op = 'down';
  }
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = proportion(s, rs, toAdd, added);
      sizes.set(rs.metadata.name!, replicasOf(rs) + p);
      added += p;
    } else sizes.set(rs.metadata.name!, replicasOf(rs));
  }
  for (let i = 0; i < all.length; i++) {
    const rs = all[i]!;
    if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name!, Math.max(0, sizes.get(rs.metadata.name!)! + toAdd - added));
    await scaleReplicaSet(s, rs, sizes.get(rs.metadata.name!)!, op);
  }
}

/** isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from spec.replicas. */
export async function isScalingEvent(s: SyncState, rsList: readonly ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSets(s, rsList, false);
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const desired = desiredAnnotation(rs);
    return desired !== undefined && desired !== desiredOf(s.d);
  });
}

/** sync: scaling and paused Deployments (no rollout). */
export async function sync(s: SyncState, rsList: readonly ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSets(s, rsList, false);
  await scale(s, newRS, oldRSs);
  if (s.d.spec?.paused) await cleanupDeployment(s, oldRSs);
  await syncDeploymentStatus(s, [...oldRSs, newRS], newRS);
}

/** cleanupDeployment: deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
export async function cleanupDeployment(s: SyncState, oldRSs: ReplicaSet[]): Promise<void> {
  const limit = s.d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - limit;
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i]!;
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
    try {
      await s.client.delete(ReplicaSetKind, rs.metadata.name!, { namespace: rs.metadata.namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
