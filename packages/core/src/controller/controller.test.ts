import type { ConfigMap, Event as KubeEvent, KubeObject } from '@keelson/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../cluster.js';
import { FakeClock } from '../clock/fake-clock.js';
import { silentLogger } from '../log.js';
import { definePlugin, defineKind } from '@keelson/api';
import { controller, ControllerBuildError } from './builder.js';
import { TerminalError } from './interfaces.js';

const CM = defineKind<ConfigMap>({ group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true });
const EventKind = defineKind<KubeEvent>({ group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true });
const Owner = defineKind({ group: 'x.io', version: 'v1', kind: 'Owner', plural: 'owners', namespaced: true });
const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('controller builder', () => {
  it('reports mistakes where they are made', () => {
    expect(() => controller('Bad Name')).toThrow(ControllerBuildError);
    expect(() => controller('x').reconcile(() => {})).toThrow('controller "x": call for(kind) before reconcile()');
    expect(() => controller('x').for(CM).for(CM)).toThrow(/only once/);
    expect(() => controller('x').concurrency(0)).toThrow(/concurrency must be an integer >= 1/);
    expect(() => controller('x').component('')).toThrow(/component\(\) needs a non-empty name/);
  });
});

describe('controller runtime', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  async function start(def: ReturnType<ReturnType<typeof controller>['reconcile']>, clock = new FakeClock()) {
    cluster = await createCluster({ plugins: [definePlugin({ name: 'test', kinds: [CM, Owner], controllers: [def] })], clock, logger: silentLogger });
    await cluster.start();
    return { clock, client: cluster.client, cms: cluster.client.resource<ConfigMap>(CM, 'default') };
  }

  it('reconciles adds, updates and deletes by key, and owners of owned objects', async () => {
    const seen: string[] = [];
    const { client, cms } = await start(
      controller('watch-all')
        .for(Owner)
        .owns(CM)
        .reconcile((_ctx, req) => void seen.push(`${req.namespace}/${req.name}`)),
    );
    const owner = await client.create<KubeObject>({ apiVersion: 'x.io/v1', kind: 'Owner', metadata: { name: 'o', namespace: 'default' } });
    await until(() => seen.length === 1);
    await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'child', ownerReferences: [{ apiVersion: 'x.io/v1', kind: 'Owner', name: 'o', uid: owner.metadata.uid!, controller: true }] } });
    await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'orphan' } });
    await until(() => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['default/o', 'default/o']);
  });

  it('watchesEvents: the handler sees event types and old objects, enqueues what it wants, reads services', async () => {
    const seen: string[] = [];
    const events: string[] = [];
    const { client, cms, clock } = await start(
      controller('events')
        .for(Owner)
        .watchesEvents(CM, (w) => ({
          onAdd: (obj) => void events.push(`add ${obj.metadata.name}`),
          onUpdate: (o, n) => {
            events.push(`update ${o.metadata.labels?.v ?? '-'}->${n.metadata.labels?.v}`);
            w.enqueue({ namespace: n.metadata.namespace, name: 'o' });
          },
          onDelete: (obj) => {
            events.push(`delete ${obj.metadata.name}`);
            w.enqueueAfter({ namespace: obj.metadata.namespace, name: 'later' }, 1000);
          },
        }))
        .reconcile((_ctx, req) => void seen.push(req.name)),
    );
    await client.create<KubeObject>({ apiVersion: 'x.io/v1', kind: 'Owner', metadata: { name: 'o', namespace: 'default' } });
    await until(() => seen.length === 1);
    await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    await cms.patch('c', 'merge', { metadata: { labels: { v: '1' } } });
    await until(() => seen.length === 2);
    await cms.delete('c');
    await until(() => events.length === 3);
    expect(events).toEqual(['add c', 'update -->1', 'delete c']);
    await clock.advance(1000);
    await until(() => seen.includes('later'));
    expect(seen).toEqual(['o', 'o', 'later']);
  });

  it('requeues after the requested time (FakeClock), retries errors with back-off, gives up on TerminalError', async () => {
    const counts = new Map<string, number>();
    const { clock, cms } = await start(
      controller('behaviours')
        .for(CM)
        .reconcile((_ctx, { name }) => {
          counts.set(name, (counts.get(name) ?? 0) + 1);
          if (name === 'later' && counts.get(name)! < 3) return { requeueAfter: 10_000 };
          if (name === 'flaky' && counts.get(name)! < 4) throw new Error('transient');
          if (name === 'broken') throw new TerminalError('cannot ever work');
        }),
    );
    for (const name of ['later', 'flaky', 'broken']) await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    await until(() => counts.get('later') === 1 && counts.get('flaky') === 1 && counts.get('broken') === 1);
    // Back-off 5 ms, 10 ms, 20 ms for the flaky key.
    await clock.advance(4);
    expect(counts.get('flaky')).toBe(1);
    await clock.advance(1);
    await until(() => counts.get('flaky') === 2);
    await clock.advance(10);
    await until(() => counts.get('flaky') === 3);
    await clock.advance(20);
    await until(() => counts.get('flaky') === 4);
    // The requeue of "later" comes 10 s after its first reconcile (35 ms have passed).
    await clock.advance(9_964);
    expect(counts.get('later')).toBe(1);
    await clock.advance(1);
    await until(() => counts.get('later') === 2);
    await clock.advance(10_000);
    await until(() => counts.get('later') === 3);
    await clock.advance(60_000);
    expect(counts.get('broken')).toBe(1);
    expect(counts.get('flaky')).toBe(4);
    const stats = cluster!.manager.runningControllers()[0]!.stats;
    expect(stats).toMatchObject({ errors: 3, terminal: 1 });
  });

  it('never reconciles one key twice at once, even with several workers', async () => {
    let active = 0;
    let maxActiveSameKey = 0;
    const activeKeys = new Map<string, number>();
    let total = 0;
    const { cms } = await start(
      controller('serial')
        .for(CM)
        .concurrency(4)
        .reconcile(async (_ctx, { name }) => {
          active++;
          activeKeys.set(name, (activeKeys.get(name) ?? 0) + 1);
          maxActiveSameKey = Math.max(maxActiveSameKey, activeKeys.get(name)!);
          await new Promise((r) => setTimeout(r, 1));
          activeKeys.set(name, activeKeys.get(name)! - 1);
          active--;
          total++;
        }),
    );
    for (let i = 0; i < 8; i++) await cms.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `k${i % 2}-${i}` } });
    for (let round = 0; round < 5; round++) for (let i = 0; i < 8; i++) await cms.patch(`k${i % 2}-${i}`, 'merge', { data: { round: String(round) } });
    await until(() => total >= 8 && active === 0, 5000);
    expect(maxActiveSameKey).toBe(1);
  });

  it('gives each controller and runnable a recorder of its own component (declared, else its name)', async () => {
    const record = (reason: string) => controller(reason.toLowerCase()).for(CM);
    const plugin = definePlugin({
      name: 'test',
      kinds: [CM, EventKind],
      controllers: [
        record('Named').component('named-controller').reconcile(({ recorder, lister }, { namespace, name }) => recorder.event(lister(CM).namespace(namespace!).get(name)!, 'Normal', 'Named', 'x')),
        record('Plain').reconcile(({ recorder, lister }, { namespace, name }) => recorder.event(lister(CM).namespace(namespace!).get(name)!, 'Normal', 'Plain', 'x')),
      ],
      runnables: [{ name: 'runner', component: 'runner-component', start: async ({ recorder, client }) => recorder.event(await client.create<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r', namespace: 'default' } }), 'Normal', 'Ran', 'x') }],
    });
    cluster = await createCluster({ plugins: [plugin], clock: new FakeClock(), logger: silentLogger, component: 'cluster' });
    await cluster.start();
    cluster.recorder.event(await cluster.client.create<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } }), 'Normal', 'Cluster', 'x');
    const sources = async () => [...new Set((await cluster!.client.list<KubeEvent>(EventKind, { namespace: 'default' })).items.map((e) => `${e.reason} ${e.source?.component} ${e.reportingComponent}`))].sort();
    for (const end = Date.now() + 2000; (await sources()).length < 4 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
    expect(await sources()).toEqual(['Cluster cluster cluster', 'Named named-controller named-controller', 'Plain plain plain', 'Ran runner-component runner-component']);
  });
});
