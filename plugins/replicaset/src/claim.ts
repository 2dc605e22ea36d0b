/**
 * Claiming pods (kube's PodControllerRefManager.ClaimPods): a controller owns the pods whose
 * controller reference is its own and still match its selector; it adopts orphans that match
 * (never while it is being deleted, and only after a fresh read confirms that) and releases owned
 * pods that no longer match.
 */
import { getControllerOf, isInvalid, isNotFound, type KubeObject, type OwnerReference, type Pod, type Selector } from '@keelson/api';
import type { PodControl } from './pod-control.js';

export interface ClaimOptions {
  /** The controller (from the cache). */
  controller: KubeObject;
  selector: Selector;
  /** Its controller reference for adopted pods. */
  controllerRef: OwnerReference;
  podControl: PodControl;
  /**
   * An uncached read of the controller (kube's RecheckDeletionTimestamp): adoption goes ahead
   * only if it still exists with the same uid and is not being deleted.
   */
  fetchFresh(): Promise<KubeObject>;
}

export interface ClaimResult<P extends Pod> {
  claimed: P[];
  errors: unknown[];
}

export async function claimPods<P extends Pod>(pods: readonly P[], opts: ClaimOptions): Promise<ClaimResult<P>> {
  const { controller, selector, podControl } = opts;
  const uid = controller.metadata.uid;
  const deleting = !!controller.metadata.deletionTimestamp;
  let canAdopt: Promise<void> | undefined;
  const checkCanAdopt = () =>
    (canAdopt ??= opts.fetchFresh().then((fresh) => {
      const what = `${controller.kind} ${controller.metadata.namespace}/${controller.metadata.name}`;
      if (fresh.metadata.uid !== uid) throw new Error(`original ${what} is gone: got uid ${fresh.metadata.uid}, wanted ${uid}`);
      if (fresh.metadata.deletionTimestamp) throw new Error(`${what} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }));

  const claimed: P[] = [];
  const errors: unknown[] = [];
  for (const pod of pods) {
    const matches = selector.matches(pod.metadata.labels ?? {});
    const ref = getControllerOf(pod);
    try {
      if (ref) {
        if (ref.uid !== uid) continue; // someone else's
        if (matches) {
          claimed.push(pod);
          continue;
        }
        if (deleting) continue;
        await podControl.releasePod(pod, uid!).catch((err: unknown) => {
          // Gone, or no longer ours (an Invalid patch): nothing to release.
          if (!isNotFound(err) && !isInvalid(err)) throw err;
        });
        continue;
      }
      // An orphan.
      if (deleting || !matches || pod.metadata.deletionTimestamp) continue;
      if (controller.metadata.namespace && controller.metadata.namespace !== pod.metadata.namespace) continue;
      try {
        await checkCanAdopt();
      } catch (err) {
        throw new Error(`can't adopt Pod ${pod.metadata.namespace}/${pod.metadata.name} (${pod.metadata.uid}): ${(err as Error).message}`, { cause: err });
      }
      try {
        await podControl.adoptPod(pod, opts.controllerRef);
        claimed.push(pod);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    } catch (err) {
      errors.push(err);
    }
  }
  return { claimed, errors };
}
