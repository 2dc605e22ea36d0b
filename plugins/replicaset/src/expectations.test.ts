import type { Pod, ReplicaSet } from '@keelson/api';
import { type Client, controllerUidIndexFunc, FakeClock, type ReconcileContext, silentLogger } from '@keelson/core';
import { PodKind } from '@keelson/plugin-core';
import { describe, expect, it } from 'vitest';
import { EXPECTATIONS_TIMEOUT_MS, UIDTrackingControllerExpectations } from './expectations.js';
import { newReplicaSet } from './fixtures.js';
import { replicaSetAdapter } from './index.js';
import { syncReplicated } from './replica-controller.js';

describe('ControllerExpectations', () => {
  it('is satisfied without expectations, once they are observed, or once they expire', async () => {
    const clock = new FakeClock();
    const e = new UIDTrackingControllerExpectations(clock);
    expect(e.satisfiedExpectations('ns/a')).toBe(true);
    e.expectCreations('ns/a', 2);
    expect(e.satisfiedExpectations('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfiedExpectations('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfiedExpectations('ns/a')).toBe(true);
    e.expectCreations('ns/a', 1);
    await clock.advance(EXPECTATIONS_TIMEOUT_MS);
    expect(e.satisfiedExpectations('ns/a')).toBe(false);
    await clock.advance(1);
    expect(e.satisfiedExpectations('ns/a')).toBe(true);
  });

  it('counts each expected deletion once, whichever event shows it', () => {
    const e = new UIDTrackingControllerExpectations(new FakeClock());
    e.expectDeletionsOf('ns/a', ['ns/p1', 'ns/p2']);
    e.deletionObservedOf('ns/a', 'ns/p1'); // deletionTimestamp set
    e.deletionObservedOf('ns/a', 'ns/p1'); // then the delete itself
    e.deletionObservedOf('ns/a', 'ns/other');
    expect(e.get('ns/a')).toMatchObject({ add: 0, del: 1 });
    expect(e.satisfiedExpectations('ns/a')).toBe(false);
    e.deletionObservedOf('ns/a', 'ns/p2');
    expect(e.satisfiedExpectations('ns/a')).toBe(true);
    e.deleteExpectations('ns/a');
    expect(e.get('ns/a')).toBeUndefined();
    expect(e.getUIDs('ns/a')).toBeUndefined();
  });
});

/** A sync against a hand-held cache that the test makes stale on purpose. */
function fakeSync(replicas: number) {
  const clock = new FakeClock();
  const rs: ReplicaSet = { ...newReplicaSet('web', replicas), metadata: { name: 'web', namespace: 'default', uid: 'rs-uid', generation: 1 }, status: { replicas: 0 } };
  const cache = { pods: [] as Pod[] };
  const writes = { created: [] as Pod[], deleted: [] as string[] };
  const client = {
    create: async (pod: Pod) => {
      const n = writes.created.length + 1;
      const made = { ...pod, metadata: { ...pod.metadata, name: `${pod.metadata.generateName}${n}`, uid: `p${n}` } };
      writes.created.push(made);
      return made;
    },
    delete: async (_k: unknown, name: string) => void writes.deleted.push(name),
    get: async () => rs,
    updateStatus: async (o: ReplicaSet) => o,
    patch: async () => ({}),
  } as unknown as Client;
  const recorder = { event() {}, eventf() {}, flush: async () => {} };
  const state = { expectations: new UIDTrackingControllerExpectations(clock) };
  const ctx = {
    client,
    clock,
    log: silentLogger,
    recorder,
    signal: new AbortController().signal,
    get: () => state,
    informers: { informerFor: () => ({ getIndexer: () => ({ byIndex: (_index: string, value: string) => cache.pods.filter((p) => controllerUidIndexFunc(p)[0] === value) }) }) },
    lister: (kind: unknown) => ({
      namespace: () => ({ list: () => (kind === PodKind ? cache.pods : [rs]), get: () => rs }),
    }),
  } as unknown as ReconcileContext;
  const sync = () => syncReplicated(ctx, { namespace: 'default', name: 'web' }, replicaSetAdapter);
  return { clock, cache, writes, state, sync };
}

describe('expectations in the replica controller', () => {
  it('never creates twice while the informer has not caught up, and again once expectations expire', async () => {
    const f = fakeSync(3);
    await f.sync();
    expect(f.writes.created.length).toBe(3);
    await f.sync(); // the cache still shows no pods
    expect(f.writes.created.length).toBe(3);
    // The informer catches up: pods in the cache, creations observed.
    f.cache.pods = [...f.writes.created];
    for (let i = 0; i < 3; i++) f.state.expectations.creationObserved('default/web');
    await f.sync();
    expect(f.writes.created.length).toBe(3);
    // Lost events: a stale cache and unobserved creations. After 5 minutes the controller acts again.
    f.cache.pods = [];
    f.state.expectations.expectCreations('default/web', 3);
    await f.sync();
    expect(f.writes.created.length).toBe(3);
    await f.clock.advance(EXPECTATIONS_TIMEOUT_MS + 1);
    await f.sync();
    expect(f.writes.created.length).toBe(6);
  });

  it('never deletes twice while the informer has not caught up', async () => {
    const f = fakeSync(1);
    f.cache.pods = ['a', 'b', 'c'].map((n) => ({ metadata: { name: n, namespace: 'default', uid: n, labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }] }, spec: { containers: [] }, status: { phase: 'Pending' } }));
    await f.sync();
    expect(f.writes.deleted.length).toBe(2);
    await f.sync();
    expect(f.writes.deleted.length).toBe(2);
    for (const name of f.writes.deleted) f.state.expectations.deletionObservedOf('default/web', `default/${name}`);
    f.cache.pods = f.cache.pods.filter((p) => !f.writes.deleted.includes(p.metadata.name!));
    await f.sync();
    expect(f.writes.deleted.length).toBe(2);
  });
});
