import { FakeClock } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/fixtures.js';
import { SchedulerCache } from './cache.js';
import { Snapshot } from './snapshot.js';

const on = (pod: ReturnType<typeof makePod>, node: string) => ({ ...pod, spec: { ...pod.spec!, nodeName: node } });
const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'zone' }] } };

describe('PodGroupIndex', () => {
  it('groups alike pods per node and keeps topology counts and anti-affinity terms up to date across snapshots', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addNode(makeNode('n1', { labels: { zone: 'a' } }));
    cache.addNode(makeNode('n2', { labels: { zone: 'b' } }));
    const web1 = on(makePod('w1', { labels: { app: 'web' }, spec: { affinity: anti } }), 'n1');
    const web2 = on(makePod('w2', { labels: { app: 'web' } }), 'n2');
    const db = on(makePod('d1', { labels: { app: 'db' } }), 'n1');
    for (const p of [web1, web2, db]) cache.addPod(p);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    const idx = snap.podGroups();
    const web = [...idx.groups.values()].find((g) => g.labels?.app === 'web')!;
    expect(Object.fromEntries(web.perNode)).toEqual({ n1: 1, n2: 1 });
    const zones = idx.topologyCounts(web, 'zone');
    expect([zones.get('zone', 'a'), zones.get('zone', 'b')]).toEqual([1, 1]);
    const [term] = [...idx.antiTerms.values()];
    expect(term!.counts.get('zone', 'a')).toBe(1);

    // Another web pod on n2, the anti-affinity pod gone: the next snapshot's groups follow.
    cache.addPod(on(makePod('w3', { labels: { app: 'web' } }), 'n2'));
    cache.removePod(web1);
    cache.updateSnapshot(snap);
    const again = snap.podGroups();
    expect(again).toBe(idx);
    expect(Object.fromEntries(web.perNode)).toEqual({ n2: 2 });
    expect([zones.get('zone', 'a'), zones.get('zone', 'b')]).toEqual([0, 2]);
    expect(idx.antiTerms.size).toBe(0);

    // A node going away takes its pods' counts with it.
    cache.removePod(db);
    cache.removeNode(makeNode('n1'));
    cache.updateSnapshot(snap);
    snap.podGroups();
    expect([...idx.groups.values()].map((g) => g.labels?.app)).toEqual(['web']);
  });
});
