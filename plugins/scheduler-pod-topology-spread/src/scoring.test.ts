import type { Pod, TopologySpreadConstraint } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo, type NodeScore, type SharedLister, Snapshot } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import type { SelectorSources } from './default-constraints.js';
import { PodTopologySpread, type PodTopologySpreadArgs } from './pod-topology-spread.js';

const host = 'kubernetes.io/hostname';
const anyway = (topologyKey: string, maxSkew: number): TopologySpreadConstraint => ({ maxSkew, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchExpressions: [{ key: 'foo', operator: 'Exists' }] } });
let n = 0;
const pod = (labels: Record<string, string>, node?: string, spec: Partial<NonNullable<Pod['spec']>> = {}) => makePod(`p${++n}`, { labels, node, spec });
const pods = (node: string, count: number) => Array.from({ length: count }, () => pod({ foo: '' }, node));
const nodeList = (withZone = true): [string, Record<string, string>][] =>
  ['node-a', 'node-b', 'node-x', 'node-y'].map((name, i) => [name, { [host]: name, ...(withZone ? { zone: i < 2 ? 'zone1' : 'zone2' } : {}) }]);

function scores(incoming: Pod, nodes: [string, Record<string, string>][], existing: Pod[], opts: { filtered?: string[]; args?: PodTopologySpreadArgs; sources?: SelectorSources } = {}): Record<string, number> | 'skip' {
  const infos = nodes.map(([name, labels]) => {
    const ni = new NodeInfo(...existing.filter((p) => p.spec?.nodeName === name));
    const node = makeNode(name);
    node.metadata.labels = labels;
    ni.setNode(node);
    return ni;
  });
  const snapshot = Snapshot.of(infos);
  const run = (lister: SharedLister): Record<string, number> | 'skip' => {
    const pl = new PodTopologySpread({ snapshotSharedLister: () => lister }, opts.args, opts.sources);
    const state = new CycleState();
    const filtered = opts.filtered ? infos.filter((i) => opts.filtered!.includes(i.nodeName())) : infos;
    if (pl.preScore(state, incoming, filtered)?.isSkip()) return 'skip';
    const list: NodeScore[] = filtered.map((ni) => ({ name: ni.nodeName(), score: pl.score(state, incoming, ni) as number }));
    pl.scoreExtensions().normalizeScore(state, incoming, list);
    return Object.fromEntries(list.map((s) => [s.name, s.score]));
  };
  const out = run(snapshot);
  // Counting pod by pod (a lister without pod groups) scores the same.
  const plain: SharedLister = { nodeInfos: () => ({ list: () => snapshot.list(), get: (n) => snapshot.get(n), havePodsWithAffinityList: () => snapshot.havePodsWithAffinityList(), havePodsWithRequiredAntiAffinityList: () => snapshot.havePodsWithRequiredAntiAffinityList() }) };
  expect(run(plain)).toEqual(out);
  return out;
}

// kube's TestPodTopologySpreadScore.
describe('PodTopologySpread score', () => {
  it('one constraint on node, no existing pods', () => {
    expect(scores(pod({ foo: '' }, undefined, { topologySpreadConstraints: [anyway(host, 1)] }), nodeList().slice(0, 2), [])).toEqual({ 'node-a': 100, 'node-b': 100 });
  });
  it('one constraint on node, only one node is candidate', () => {
    expect(scores(pod({ foo: '' }, undefined, { topologySpreadConstraints: [anyway(host, 1)] }), nodeList().slice(0, 2), [...pods('node-a', 2), ...pods('node-b', 1)], { filtered: ['node-a'] })).toEqual({ 'node-a': 100 });
  });
  it('one constraint on node, all 4 nodes are candidates', () => {
    const existing = [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-y', 3)];
    expect(scores(pod({ foo: '' }, undefined, { topologySpreadConstraints: [anyway(host, 1)] }), nodeList(), existing)).toEqual({ 'node-a': 20, 'node-b': 60, 'node-x': 100, 'node-y': 0 });
  });
  it('one constraint on zone, pods 1/0 and 2/1', () => {
    const existing = [...pods('node-a', 1), ...pods('node-x', 2), ...pods('node-y', 1)];
    expect(scores(pod({ foo: '' }, undefined, { topologySpreadConstraints: [anyway('zone', 1)] }), nodeList(), existing)).toEqual({ 'node-a': 100, 'node-b': 100, 'node-x': 25, 'node-y': 25 });
  });
  it('nodes missing a topology key score 0', () => {
    const nodes = nodeList();
    nodes[3] = ['node-y', { [host]: 'node-y' }];
    const existing = [...pods('node-a', 1), ...pods('node-x', 2)];
    expect((scores(pod({ foo: '' }, undefined, { topologySpreadConstraints: [anyway('zone', 1)] }), nodes, existing) as Record<string, number>)['node-y']).toBe(0);
  });
  it('a pod without constraints that belongs to nothing is skipped', () => {
    expect(scores(pod({ foo: '' }), nodeList(), pods('node-a', 3))).toBe('skip');
  });
  it('system default constraints spread the pods of a ReplicaSet (hostname and zone)', () => {
    const sources: SelectorSources = { services: () => [], controller: (kind, _ns, name) => (kind === 'ReplicaSet' && name === 'rs' ? { spec: { selector: { matchLabels: { foo: '' } } } } : undefined) };
    const incoming = pod({ foo: '' });
    incoming.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }];
    const existing = [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-y', 3)];
    const got = scores(incoming, nodeList(), existing, { sources }) as Record<string, number>;
    expect(got['node-x']).toBe(100);
    expect(got['node-y']).toBeLessThan(got['node-b']!);
    // Nodes without a zone label still get hostname spreading (system defaults do not require every key).
    const noZone = scores(incoming, nodeList(false), existing, { sources }) as Record<string, number>;
    expect(noZone['node-x']).toBe(100);
    expect(noZone['node-y']).toBeLessThan(noZone['node-a']!);
  });
  it('services selecting the pod give its default selector', () => {
    const sources: SelectorSources = { services: () => [{ spec: { selector: { foo: '' } } }], controller: () => undefined };
    expect(scores(pod({ foo: '' }), nodeList(), pods('node-a', 2), { sources })).not.toBe('skip');
    expect(scores(pod({ other: '' }), nodeList(), pods('node-a', 2), { sources })).toBe('skip');
  });
  it('defaultingType List uses the configured default constraints', () => {
    const args: PodTopologySpreadArgs = { defaultConstraints: [{ maxSkew: 1, topologyKey: host, whenUnsatisfiable: 'ScheduleAnyway' }] };
    const sources: SelectorSources = { services: () => [{ spec: { selector: { foo: '' } } }], controller: () => undefined };
    expect(scores(pod({ foo: '' }), nodeList(), [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-y', 3)], { args, sources })).toEqual({ 'node-a': 20, 'node-b': 60, 'node-x': 100, 'node-y': 0 });
    expect(() => new PodTopologySpread({ snapshotSharedLister: () => Snapshot.of([]) }, { ...args, defaultingType: 'System' })).toThrow('defaultingType');
  });
});
