import type { KubeObject } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/fake-clock.js';
import { CONTROLLER_UID_INDEX, controlledBy, controlledOrOrphans, ensureControllerUidIndex } from './controller-index.js';
import { FakeListerWatcher } from './fake-lister-watcher.js';
import { createIndexer } from './indexer.js';
import { createSharedIndexInformer } from './shared-informer.js';

function pod(ns: string, name: string, owner?: { uid: string; controller?: boolean }): KubeObject {
  const ownerReferences = owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: owner.uid, controller: owner.controller ?? true }] : undefined;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, ...(ownerReferences ? { ownerReferences } : {}) } };
}
const names = (objs: KubeObject[] | undefined) => objs?.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();

describe('controller uid index', () => {
  it('files objects under their controller uid, orphans under their namespace', () => {
    const real = createIndexer();
    const informer = createSharedIndexInformer({ kind: { apiVersion: 'v1', kind: 'Pod' }, listerWatcher: new FakeListerWatcher(), clock: new FakeClock() });
    expect(ensureControllerUidIndex(informer)).toBe(true);
    expect(ensureControllerUidIndex(informer)).toBe(true); // a second controller asking is fine
    const indexer = informer.getIndexer();
    for (const i of [real, indexer]) {
      i.add(pod('a', 'owned1', { uid: 'u1' }));
      i.add(pod('a', 'owned2', { uid: 'u1' }));
      i.add(pod('a', 'other', { uid: 'u2' }));
      i.add(pod('a', 'orphan'));
      i.add(pod('a', 'non-controller-owner', { uid: 'u1', controller: false }));
      i.add(pod('b', 'orphan'));
    }
    expect(indexer.listIndexFuncValues(CONTROLLER_UID_INDEX).sort()).toEqual(['_ORPHAN/a', '_ORPHAN/b', 'u1', 'u2']);
    expect(names(controlledBy(indexer, 'u1'))).toEqual(['a/owned1', 'a/owned2']);
    expect(names(controlledOrOrphans(indexer, 'u1', 'a'))).toEqual(['a/non-controller-owner', 'a/orphan', 'a/owned1', 'a/owned2']);
    expect(names(controlledOrOrphans(indexer, 'u2', 'b'))).toEqual(['a/other', 'b/orphan']);
    // Adopted: it moves from the orphans to its controller.
    indexer.update(pod('a', 'orphan', { uid: 'u2' }));
    expect(names(controlledOrOrphans(indexer, 'u1', 'a'))).toEqual(['a/non-controller-owner', 'a/owned1', 'a/owned2']);
    // Without the index: undefined, and the caller scans.
    expect(controlledBy(real, 'u1')).toBeUndefined();
    expect(controlledOrOrphans(real, 'u1', 'a')).toBeUndefined();
    informer.stop();
  });

  it('cannot be added once the informer started', async () => {
    const informer = createSharedIndexInformer({ kind: { apiVersion: 'v1', kind: 'Pod' }, listerWatcher: new FakeListerWatcher(), clock: new FakeClock() });
    await informer.start();
    expect(ensureControllerUidIndex(informer)).toBe(false);
    expect(controlledBy(informer.getIndexer(), 'u1')).toBeUndefined();
    informer.stop();
  });
});
