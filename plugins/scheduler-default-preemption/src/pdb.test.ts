import { ApiError, defineKind, definePlugin, type PodDisruptionBudget } from '@keelson/api';
import { type Client, createSharedInformerFactory, FakeClock, type SharedInformerFactory } from '@keelson/core';
import { makePod } from '@keelson/scheduler';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { filterPodsWithPDBViolation, PDB_PROBE_INTERVAL_MS, PDB_SYNC_WAIT_MS, ServedPdbLister } from './pdb.js';

const budget = (name: string, matchLabels: Record<string, string>, disruptionsAllowed: number, disruptedPods?: Record<string, string>): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels } },
  status: { disruptionsAllowed, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...(disruptedPods ? { disruptedPods } : {}) },
});
const info = (name: string, labels?: Record<string, string>) => ({ pod: makePod(name, { labels }) });
const names = (xs: { pod: { metadata: { name?: string } } }[]) => xs.map((x) => x.pod.metadata.name);

// kube's filterPodsWithPDBViolation.
describe('filterPodsWithPDBViolation', () => {
  it('takes one disruption per matching pod, in order; those going below zero violate', () => {
    const out = filterPodsWithPDBViolation([info('a', { app: 'web' }), info('b', { app: 'web' }), info('c', { app: 'web' }), info('d', { app: 'db' })], [budget('web', { app: 'web' }, 1)]);
    expect(names(out.nonViolating)).toEqual(['a', 'd']);
    expect(names(out.violating)).toEqual(['b', 'c']);
  });

  it('a pod matching two budgets violates if either runs out', () => {
    const pdbs = [budget('wide', { tier: 'x' }, 5), budget('narrow', { app: 'web' }, 0)];
    const out = filterPodsWithPDBViolation([info('a', { tier: 'x', app: 'web' }), info('b', { tier: 'x' })], pdbs);
    expect(names(out.violating)).toEqual(['a']);
    expect(names(out.nonViolating)).toEqual(['b']);
  });

  it('pods in disruptedPods take nothing; labelless pods, other namespaces, empty or invalid selectors match nothing', () => {
    const pdbs: PodDisruptionBudget[] = [
      budget('web', { app: 'web' }, 0, { a: '2025-01-01T00:00:00Z' }),
      { ...budget('empty', {}, 0), spec: { selector: {} } },
      { ...budget('bad', {}, 0), spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Bogus' as never }] } } },
      { ...budget('elsewhere', { app: 'db' }, 0), metadata: { name: 'elsewhere', namespace: 'other' } },
    ];
    const out = filterPodsWithPDBViolation([info('a', { app: 'web' }), info('nolabels'), info('d', { app: 'db' })], pdbs);
    expect(out.violating).toEqual([]);
    expect(names(out.nonViolating)).toEqual(['a', 'nolabels', 'd']);
  });
});

const PdbKind = defineKind<PodDisruptionBudget>({ group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, subresources: { status: true } });
const pdbPlugin = definePlugin({ name: 'pdb-for-test', dependsOn: ['core'], kinds: [PdbKind] });

describe('ServedPdbLister', () => {
  let c: TestCluster;
  let informers: SharedInformerFactory | undefined;
  afterEach(async () => {
    informers?.stop();
    await c?.stop();
  });

  /** The cluster's client, answering 404 for budgets while `served.value` is false (the kind not installed yet). */
  function gatedClient(served: { value: boolean }, probes: { n: number }): Client {
    return new Proxy(c.client, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'list' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
        return async (kind: { kind: string }, opts: unknown) => {
          if (kind.kind === 'PodDisruptionBudget') {
            probes.n++;
            if (!served.value) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
          }
          return (v as (k: unknown, o: unknown) => Promise<unknown>).call(target, kind, opts);
        };
      },
    });
  }

  it('no budgets and no informer while the kind is not served; probes again only after the interval, then lists through the informer', async () => {
    c = await startTestCluster({ plugins: [pdbPlugin] });
    await c.client.create(budget('web', { app: 'web' }, 1));
    const served = { value: false };
    const probes = { n: 0 };
    const client = gatedClient(served, probes);
    informers = createSharedInformerFactory({ client, clock: c.clock });
    const lister = new ServedPdbLister(client, informers, c.clock);

    expect(await lister.list()).toEqual([]);
    expect(probes.n).toBe(1);
    served.value = true;
    // Within the interval the answer is remembered: no new probe.
    await c.clock.advance(PDB_PROBE_INTERVAL_MS - 1);
    expect(await lister.list()).toEqual([]);
    expect(probes.n).toBe(1);
    await c.clock.advance(1);
    const got = await lister.list();
    expect(got.map((p) => p.metadata.name)).toEqual(['web']);
    // Served once: later changes come from the informer (its list + watch), no more probes.
    const probesAfter = probes.n;
    await c.client.create({ ...budget('db', { app: 'db' }, 0) });
    await c.eventually(async () => (await lister.list()).length === 2);
    expect(probes.n).toBe(probesAfter);
  });

  it('an informer that cannot sync delays a preemption by PDB_SYNC_WAIT_MS at most, then it goes on with the cache', async () => {
    const clock = new FakeClock();
    const cached = [budget('web', { app: 'web' }, 0)];
    let synced = false;
    const informer = { start: () => new Promise<void>(() => {}), hasSynced: () => synced, lister: () => ({ list: () => (synced ? cached : []) }) };
    const fakeInformers = { informerFor: () => informer } as unknown as SharedInformerFactory;
    const client = { list: async () => ({ items: [] }) } as unknown as Client;
    const lister = new ServedPdbLister(client, fakeInformers, clock);
    let done = false;
    const first = lister.list().then((x) => ((done = true), x));
    for (let i = 0; i < 10; i++) await Promise.resolve(); // the probe answers; the wait starts
    await clock.advance(PDB_SYNC_WAIT_MS - 1);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(await first).toEqual([]);
    synced = true;
    expect((await lister.list()).map((p) => p.metadata.name)).toEqual(['web']);
  });

  it('a cluster without the kind: the real client answers 404 and preemption sees no budgets', async () => {
    c = await startTestCluster();
    informers = createSharedInformerFactory({ client: c.client, clock: c.clock });
    const lister = new ServedPdbLister(c.client, informers, c.clock);
    expect(await lister.list()).toEqual([]);
  });
});
