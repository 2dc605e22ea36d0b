import { getControllerOf, type KubeObject } from '@keelson/api';
import { IndexerConflictError, IndexNotFoundError } from './errors.js';
import type { Indexer, SharedIndexInformer } from './interfaces.js';

/**
 * kube's PodControllerUIDIndex (pkg/controller): objects by the uid of their controller owner,
 * orphans (no controller reference) under a per-namespace key, so a workload controller reads the
 * pods it owns or may adopt without scanning every pod of the namespace.
 */
export const CONTROLLER_UID_INDEX = 'controllerUID';

/** The index value of the objects of a namespace that have no controller. */
export function orphanIndexKey(namespace: string): string {
  return `_ORPHAN/${namespace}`;
}

export function controllerUidIndexFunc<T extends KubeObject>(obj: T): string[] {
  const ref = getControllerOf(obj);
  return [ref ? ref.uid : orphanIndexKey(obj.metadata.namespace ?? '')];
}

/**
 * Adds the index to an informer that has not started; true when the informer has it (now, or
 * from another controller earlier), false when it started without it (callers then scan).
 */
export function ensureControllerUidIndex<T extends KubeObject>(informer: SharedIndexInformer<T>): boolean {
  try {
    informer.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndexFunc });
    return true;
  } catch (err) {
    if (err instanceof IndexerConflictError) return true;
    return false;
  }
}

/**
 * The objects controlled by `uid` and the orphans of the namespace, from the index; undefined
 * when the indexer has no such index.
 */
export function controlledOrOrphans<T extends KubeObject>(indexer: Indexer<T>, uid: string, namespace: string): T[] | undefined {
  const owned = controlledBy(indexer, uid);
  if (!owned) return undefined;
  const orphans = indexer.byIndex(CONTROLLER_UID_INDEX, orphanIndexKey(namespace));
  return orphans.length ? [...owned, ...orphans] : owned;
}

/** The objects controlled by `uid`, from the index; undefined when the indexer has no such index. */
export function controlledBy<T extends KubeObject>(indexer: Indexer<T>, uid: string): T[] | undefined {
  try {
    return indexer.byIndex(CONTROLLER_UID_INDEX, uid);
  } catch (err) {
    if (err instanceof IndexNotFoundError) return undefined;
    throw err;
  }
}
