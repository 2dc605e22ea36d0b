import type { KindDefinition, KindRef, KubeObject } from '@keelson/api';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client, WatchHandler } from '../client/client.js';
import { FakeClock, flushMicrotasks } from '../clock/fake-clock.js';
import { createSharedInformerFactory } from './factory.js';
import { FakeListerWatcher } from './fake-lister-watcher.js';
import type { SharedInformerFactory } from './interfaces.js';
import { kindKey } from './kind-key.js';

const PodRef = { apiVersion: 'v1', kind: 'Pod' };
const PodDef: KindDefinition = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true };
const DeploymentDef: KindDefinition = { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true };

/** A Client whose list/watch are served by one FakeListerWatcher per kind, recording the calls' scope. */
function fakeClient() {
  const sources = new Map<string, FakeListerWatcher<KubeObject>>();
  const scopes: { kind: string; verb: string; namespace?: string }[] = [];
  const source = (kind: KindRef) => {
    const key = kindKey(kind);
    let s = sources.get(key);
    if (!s) sources.set(key, (s = new FakeListerWatcher()));
    return s;
  };
  const client = {
    list: async (kind: KindRef, opts: { namespace?: string } = {}) => {
      scopes.push({ kind: kindKey(kind), verb: 'list', namespace: opts.namespace });
      const { namespace, ...rest } = opts;
      const list = await source(kind).list(rest);
      return namespace ? { ...list, items: list.items.filter((o) => o.metadata.namespace === namespace) } : list;
    },
    watch: async (kind: KindRef, opts: { namespace?: string }, handler: WatchHandler<KubeObject>) => {
      scopes.push({ kind: kindKey(kind), verb: 'watch', namespace: opts.namespace });
      const { namespace: _ns, ...rest } = opts;
      return source(kind).watch(rest, handler);
    },
  } as unknown as Client;
  return { client, source, scopes };
}

const pod = (name: string, ns = 'default'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name } });

let factories: SharedInformerFactory[] = [];
afterEach(() => {
  for (const f of factories) f.stop();
  factories = [];
});

function setup(opts: { namespace?: string; resyncMs?: number } = {}) {
  const clock = new FakeClock();
  const fc = fakeClient();
  const factory = createSharedInformerFactory({ client: fc.client, clock, ...opts });
  factories.push(factory);
  return { clock, factory, ...fc };
}

describe('shared informer factory', () => {
  it('shares one informer per kind, whichever way the kind is referenced', () => {
    const { factory } = setup();
    const a = factory.informerFor(PodRef);
    expect(factory.informerFor(PodDef)).toBe(a);
    expect(factory.informerFor({ apiVersion: 'v1', kind: 'Pod' })).toBe(a);
    expect(factory.informerFor(DeploymentDef)).not.toBe(a);
    expect(factory.informerFor({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe(factory.informerFor(DeploymentDef));
    expect(kindKey(DeploymentDef)).toBe('apps/v1, Kind=Deployment');
  });

  it('start() starts every requested informer and resolves when all are synced', async () => {
    const { factory, source, scopes } = setup();
    source(PodRef).add(pod('a'));
    source(DeploymentDef).add({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'default', name: 'd' } });
    const pods = factory.informerFor(PodDef);
    const deps = factory.informerFor(DeploymentDef);
    const podLister = factory.lister(PodRef);
    await factory.start();
    expect(pods.hasSynced() && deps.hasSynced()).toBe(true);
    expect(podLister.namespace('default').get('a')?.metadata.name).toBe('a');
    expect(factory.lister(DeploymentDef).list()).toHaveLength(1);
    // One list + one watch per kind, however many times the kind was requested.
    expect(scopes.filter((s) => s.verb === 'list').map((s) => s.kind).sort()).toEqual(['apps/v1, Kind=Deployment', 'v1, Kind=Pod']);
  });

  it('starts an informer requested after start() on request', async () => {
    const { factory, source } = setup();
    await factory.start();
    source(PodRef).add(pod('late'));
    const pods = factory.informerFor(PodRef);
    await flushMicrotasks();
    expect(pods.hasSynced()).toBe(true);
    await pods.start(); // same promise: resolves at once
    expect(pods.lister().list().map((o) => o.metadata.name)).toEqual(['late']);
  });

  it('scopes lists and watches to the factory namespace and passes the resync period', async () => {
    const { clock, factory, source, scopes } = setup({ namespace: 'team-a', resyncMs: 10_000 });
    source(PodRef).add(pod('mine', 'team-a'));
    source(PodRef).add(pod('theirs', 'team-b'));
    const updates: string[] = [];
    factory.informerFor(PodRef).addEventHandler({ onUpdate: (_, o) => void updates.push(o.metadata.name!) });
    await factory.start();
    expect(scopes.map((s) => s.namespace)).toEqual(['team-a', 'team-a']);
    expect(factory.lister(PodRef).list().map((o) => o.metadata.name)).toEqual(['mine']);
    await clock.advance(10_000);
    expect(updates).toEqual(['mine']);
  });

  it('stop() stops every informer', async () => {
    const { factory, source } = setup();
    factory.informerFor(PodRef);
    factory.informerFor(DeploymentDef);
    await factory.start();
    expect(source(PodRef).activeWatches + source(DeploymentDef).activeWatches).toBe(2);
    factory.stop();
    expect(source(PodRef).activeWatches + source(DeploymentDef).activeWatches).toBe(0);
  });
});
