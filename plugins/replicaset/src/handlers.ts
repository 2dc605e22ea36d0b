/**
 * Informer events of a replica controller (kube's addPod / updatePod / deletePod and
 * updateRS / deleteRS): they feed the expectations and enqueue the controllers concerned —
 * the controller owner of a pod, or for an orphan every controller whose selector matches it.
 */
import { getControllerOf, isPodReady, type OwnerReference, parseApiVersion, type Pod } from '@keelson/api';
import { ensureControllerUidIndex, type ResourceEventHandler, type WatchContext } from '@keelson/core';
import { PodKind } from '@keelson/plugin-core';
import type { ReplicaKindAdapter, Replicated } from './replicated.js';

const podKey = (pod: Pod) => `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
const objKey = (o: Replicated) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function sameLabels(a: Pod, b: Pod): boolean {
  const la = a.metadata.labels ?? {};
  const lb = b.metadata.labels ?? {};
  const ka = Object.keys(la);
  return ka.length === Object.keys(lb).length && ka.every((k) => la[k] === lb[k]);
}

function sameRef(a: OwnerReference | undefined, b: OwnerReference | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The replica kind's own events: forget expectations of deleted (or replaced) objects. */
export function replicatedEventHandler<T extends Replicated>(w: WatchContext, adapter: ReplicaKindAdapter<T>): ResourceEventHandler {
  const { expectations } = w.get(adapter.stateToken);
  // kube's controllerUIDIndex, for the pods of sibling ReplicaSets (a Deployment's); only possible
  // before the informer starts (the controller scans otherwise).
  ensureControllerUidIndex(w.informers.informerFor(adapter.kind));
  return {
    onUpdate: (oldObj, newObj) => {
      if (oldObj.metadata.uid !== newObj.metadata.uid) expectations.deleteExpectations(objKey(oldObj as T));
    },
    onDelete: (obj) => expectations.deleteExpectations(objKey(obj as T)),
  };
}

/** Pod events for one replica kind. */
export function podEventHandler<T extends Replicated>(w: WatchContext, adapter: ReplicaKindAdapter<T>): ResourceEventHandler<Pod> {
  const { expectations } = w.get(adapter.stateToken);
  // The pods a sync reads: owned or orphaned, by the controller uid index (kube's getRSPods).
  ensureControllerUidIndex(w.informers.informerFor(PodKind));
  const lister = () => w.lister<T>(adapter.kind);
  const enqueue = (o: Replicated) => w.enqueue({ namespace: o.metadata.namespace, name: o.metadata.name! });

  /** The object a controller reference points to, if it is of this kind and still the same (uid). */
  const resolve = (namespace: string | undefined, ref: OwnerReference): T | undefined => {
    if (ref.kind !== adapter.kind.kind || parseApiVersion(ref.apiVersion).group !== adapter.kind.group) return undefined;
    const obj = lister().namespace(namespace ?? '').get(ref.name);
    return obj && obj.metadata.uid === ref.uid ? obj : undefined;
  };

  /** Objects of this kind whose selector matches the pod's labels (kube's GetPodReplicaSets). */
  const selecting = (pod: Pod): T[] => {
    if (!pod.metadata.labels || Object.keys(pod.metadata.labels).length === 0) return [];
    return lister()
      .namespace(pod.metadata.namespace ?? '')
      .list()
      .filter((o) => {
        try {
          const sel = adapter.selector(o);
          return !sel.empty() && sel.matches(pod.metadata.labels);
        } catch {
          return false;
        }
      });
  };

  const deleted = (pod: Pod) => {
    const ref = getControllerOf(pod);
    if (!ref) return; // nobody waits for an orphan to go
    const owner = resolve(pod.metadata.namespace, ref);
    if (!owner) return;
    expectations.deletionObservedOf(objKey(owner), podKey(pod));
    enqueue(owner);
  };

  return {
    onAdd(pod) {
      if (pod.metadata.deletionTimestamp) {
        // Seen for the first time already being deleted (e.g. after a restart): not a creation.
        deleted(pod);
        return;
      }
      const ref = getControllerOf(pod);
      if (ref) {
        const owner = resolve(pod.metadata.namespace, ref);
        if (!owner) return;
        expectations.creationObserved(objKey(owner));
        enqueue(owner);
        return;
      }
      // An orphan: whoever selects it may adopt it. No creation is observed for orphans.
      for (const o of selecting(pod)) enqueue(o);
    },
    onUpdate(oldPod, curPod) {
      if (oldPod.metadata.resourceVersion === curPod.metadata.resourceVersion) return; // resync
      const labelsChanged = !sameLabels(oldPod, curPod);
      if (curPod.metadata.deletionTimestamp) {
        // A graceful deletion started: replace the pod now, not when it is finally gone.
        deleted(curPod);
        if (labelsChanged) deleted(oldPod);
        return;
      }
      const curRef = getControllerOf(curPod);
      const oldRef = getControllerOf(oldPod);
      const refChanged = !sameRef(curRef, oldRef);
      if (refChanged && oldRef) {
        const old = resolve(oldPod.metadata.namespace, oldRef);
        if (old) enqueue(old);
      }
      if (curRef) {
        const owner = resolve(curPod.metadata.namespace, curRef);
        if (!owner) return;
        enqueue(owner);
        const minReady = owner.spec?.minReadySeconds ?? 0;
        // Became ready: it becomes available after minReadySeconds (+1 s against clock skew, as kube).
        if (!isPodReady(oldPod) && isPodReady(curPod) && minReady > 0) {
          w.enqueueAfter({ namespace: owner.metadata.namespace, name: owner.metadata.name! }, minReady * 1000 + 1000);
        }
        return;
      }
      if (labelsChanged || refChanged) for (const o of selecting(curPod)) enqueue(o);
    },
    onDelete(pod) {
      deleted(pod);
    },
  };
}
