/**
 * Informer events of the deployment controller (kube's addReplicaSet / updateReplicaSet /
 * deleteReplicaSet / deletePod): a ReplicaSet enqueues its controller Deployment, an orphan every
 * Deployment whose selector matches it; a pod enqueues the Deployment of its ReplicaSet (Recreate
 * waits for old pods to go).
 */
import { type Deployment, getControllerOf, type KubeObject, labelSelectorAsSelector, type ReplicaSet } from '@keelson/api';
import { ensureControllerUidIndex, type ResourceEventHandler, type WatchContext } from '@keelson/core';
import { PodKind } from '@keelson/plugin-core';
import { ReplicaSetKind } from '@keelson/plugin-replicaset';
import { DeploymentKind } from './deployment-kind.js';

function selecting(w: WatchContext, obj: KubeObject): Deployment[] {
  const labels = obj.metadata.labels ?? {};
  if (Object.keys(labels).length === 0) return [];
  return w
    .lister<Deployment>(DeploymentKind)
    .namespace(obj.metadata.namespace ?? '')
    .list()
    .filter((d) => {
      try {
        const sel = labelSelectorAsSelector(d.spec?.selector);
        return !sel.empty() && sel.matches(labels);
      } catch {
        return false;
      }
    });
}

function ownerDeployment(w: WatchContext, rs: KubeObject): Deployment | undefined {
  const ref = getControllerOf(rs);
  if (!ref || ref.kind !== 'Deployment') return undefined;
  const d = w.lister<Deployment>(DeploymentKind).namespace(rs.metadata.namespace ?? '').get(ref.name);
  return d && d.metadata.uid === ref.uid ? d : undefined;
}

export function replicaSetEventHandler(w: WatchContext): ResourceEventHandler<ReplicaSet> {
  const enqueue = (d: Deployment) => w.enqueue({ namespace: d.metadata.namespace, name: d.metadata.name! });
  const handle = (rs: ReplicaSet) => {
    const owner = ownerDeployment(w, rs);
    if (owner) enqueue(owner);
    else if (!getControllerOf(rs)) for (const d of selecting(w, rs)) enqueue(d);
  };
  return {
    onAdd: handle,
    onUpdate: (oldRS, newRS) => {
      handle(newRS);
      const oldRef = getControllerOf(oldRS);
      if (oldRef?.uid !== getControllerOf(newRS)?.uid) handle(oldRS);
    },
    onDelete: handle,
  };
}

export function podEventHandler(w: WatchContext): ResourceEventHandler {
  // A sync reads the pods of each of its ReplicaSets by the controller uid index.
  ensureControllerUidIndex(w.informers.informerFor(PodKind));
  const handle = (pod: KubeObject) => {
    const ref = getControllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = w.lister<ReplicaSet>(ReplicaSetKind).namespace(pod.metadata.namespace ?? '').get(ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const d = ownerDeployment(w, rs);
    if (d && d.spec?.strategy?.type === 'Recreate') w.enqueue({ namespace: d.metadata.namespace, name: d.metadata.name! });
  };
  return { onDelete: handle, onUpdate: (_o, n) => handle(n) };
}
