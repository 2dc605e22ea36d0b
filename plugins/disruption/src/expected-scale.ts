import { isNotFound, type KindRef, type KubeObject, type OwnerReference, type Pod } from '@keelson/api';
import type { Client } from '@keelson/core';

/** A controller found for a pod, and how many pods it wants. */
export interface ControllerAndScale {
  uid: string;
  scale: number;
}

interface Scaled extends KubeObject {
  spec?: { replicas?: number };
}

/** A finder: the scale of the pod's controller, or undefined when this finder does not handle it. */
type Finder = (client: Client, ref: OwnerReference, namespace: string) => Promise<ControllerAndScale | undefined>;

const kinds = {
  replicaSet: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  replicationController: { apiVersion: 'v1', kind: 'ReplicationController' },
  statefulSet: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
} satisfies Record<string, KindRef>;

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

/** The object the reference names if it exists (a kind the cluster does not serve counts as missing) and its uid matches. */
async function fetch<T extends KubeObject>(client: Client, kind: KindRef, ref: Pick<OwnerReference, 'name' | 'uid'>, namespace: string): Promise<T | undefined> {
  try {
    const obj = await client.get<T>(kind, ref.name, { namespace });
    return obj.metadata.uid === ref.uid ? obj : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** A ReplicaSet that no Deployment controls. */
const replicaSetFinder: Finder = async (client, ref, ns) => {
  if (ref.kind !== 'ReplicaSet' || groupOf(ref.apiVersion) !== 'apps') return undefined;
  const rs = await fetch<Scaled>(client, kinds.replicaSet, ref, ns);
  if (!rs) return undefined;
  const owner = controllerOf(rs);
  if (owner?.kind === 'Deployment') return undefined;
  return { uid: rs.metadata.uid!, scale: rs.spec?.replicas ?? 0 };
};

/** The Deployment that controls the pod's ReplicaSet. */
const deploymentFinder: Finder = async (client, ref, ns) => {
  if (ref.kind !== 'ReplicaSet' || groupOf(ref.apiVersion) !== 'apps') return undefined;
  const rs = await fetch<Scaled>(client, kinds.replicaSet, ref, ns);
  if (!rs) return undefined;
  const owner = controllerOf(rs);
  if (owner?.kind !== 'Deployment' || groupOf(owner.apiVersion) !== 'apps') return undefined;
  const deployment = await fetch<Scaled>(client, kinds.deployment, owner, ns);
  return deployment ? { uid: deployment.metadata.uid!, scale: deployment.spec?.replicas ?? 0 } : undefined;
};

const replicationControllerFinder: Finder = async (client, ref, ns) => {
  if (ref.kind !== 'ReplicationController' || ref.apiVersion !== 'v1') return undefined;
  const rc = await fetch<Scaled>(client, kinds.replicationController, ref, ns);
  return rc ? { uid: rc.metadata.uid!, scale: rc.spec?.replicas ?? 0 } : undefined;
};

const statefulSetFinder: Finder = async (client, ref, ns) => {
  if (ref.kind !== 'StatefulSet' || groupOf(ref.apiVersion) !== 'apps') return undefined;
  const sts = await fetch<Scaled>(client, kinds.statefulSet, ref, ns);
  return sts ? { uid: sts.metadata.uid!, scale: sts.spec?.replicas ?? 0 } : undefined;
};

/** kube's finders, in its order (the generic /scale finder is not implemented). */
const finders: readonly Finder[] = [replicaSetFinder, deploymentFinder, replicationControllerFinder, statefulSetFinder];

export class NoControllerError extends Error {
  constructor(pod: string) {
    super(`found no controllers for pod "${pod}"`);
  }
}

/**
 * kube's getExpectedScale: the sum of the scales of the controllers of the pods (each counted
 * once), and the pods that have no controller at all.
 */
export async function expectedScale(client: Client, pods: readonly Pod[]): Promise<{ expectedCount: number; unmanagedPods: string[] }> {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata.name!);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    let found: ControllerAndScale | undefined;
    for (const finder of finders) {
      found = await finder(client, ref, pod.metadata.namespace!);
      if (found) break;
    }
    if (!found) throw new NoControllerError(pod.metadata.name!);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const n of scales.values()) expectedCount += n;
  return { expectedCount, unmanagedPods };
}
