import type { Affinity, Pod, Taint, TopologySpreadConstraint } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo, type SharedLister, Snapshot } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { ErrReasonConstraintsNotMatch as NotMatch, ErrReasonNodeLabelNotMatch as NoLabel } from './filtering.js';
import { PodTopologySpread } from './pod-topology-spread.js';

const zone = 'zone';
const host = 'kubernetes.io/hostname';
const c = (topologyKey: string, maxSkew: number, key = 'foo', extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey,
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchExpressions: [{ key, operator: 'Exists' }] },
  ...extra,
});
let n = 0;
const pod = (labels: Record<string, string>, node?: string, spec: Partial<NonNullable<Pod['spec']>> = {}, ns?: string) => makePod(`p${++n}`, { labels, node, spec, ns });
const pods = (node: string, count: number, labels: Record<string, string> = { foo: '' }) => Array.from({ length: count }, () => pod(labels, node));
/** kube's four nodes: node-a, node-b in zone1, node-x, node-y in zone2. */
const fourNodes = (): [string, Record<string, string>, Taint[]?][] => [
  ['node-a', { zone: 'zone1', [host]: 'node-a' }],
  ['node-b', { zone: 'zone1', [host]: 'node-b' }],
  ['node-x', { zone: 'zone2', [host]: 'node-x' }],
  ['node-y', { zone: 'zone2', [host]: 'node-y' }],
];

function filterAll(incoming: Pod, nodes: [string, Record<string, string>, Taint[]?][], existing: Pod[]): Record<string, string> {
  const infos = nodes.map(([name, labels, taints]) => {
    const ni = new NodeInfo(...existing.filter((p) => p.spec?.nodeName === name));
    const node = makeNode(name, { taints });
    node.metadata.labels = labels;
    ni.setNode(node);
    return ni;
  });
  const snapshot = Snapshot.of(infos);
  const run = (lister: SharedLister) => {
    const pl = new PodTopologySpread({ snapshotSharedLister: () => lister });
    const state = new CycleState();
    const pre = pl.preFilter(state, incoming);
    const out: Record<string, string> = {};
    for (const ni of infos) {
      const s = pre?.isSkip() ? undefined : pl.filter(state, incoming, ni);
      out[ni.nodeName()] = s ? `${s.code}:${s.reasons.join(',')}` : '';
    }
    return out;
  };
  const out = run(snapshot);
  // Counting pod by pod (a lister without pod groups) gives the same answers.
  expect(run(withoutGroups(snapshot))).toEqual(out);
  return out;
}
const ok = '';
const unsched = `2:${NotMatch}`;
/** The snapshot seen through a lister without pod groups. */
const withoutGroups = (s: Snapshot): SharedLister => ({
  nodeInfos: () => ({ list: () => s.list(), get: (n) => s.get(n), havePodsWithAffinityList: () => s.havePodsWithAffinityList(), havePodsWithRequiredAntiAffinityList: () => s.havePodsWithRequiredAntiAffinityList() }),
});
const unresolvable = `3:${NoLabel}`;

// kube's TestSingleConstraint / TestMultipleConstraints (shapes and expectations).
describe('PodTopologySpread filter', () => {
  it('no existing pods', () => {
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(zone, 1)] }), fourNodes(), [])).toEqual({ 'node-a': ok, 'node-b': ok, 'node-x': ok, 'node-y': ok });
  });
  it('no existing pods, incoming pod doesn\'t match itself', () => {
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(zone, 1, 'bar')] }), fourNodes(), [])).toEqual({ 'node-a': ok, 'node-b': ok, 'node-x': ok, 'node-y': ok });
  });
  it('existing pods in a different namespace do not count', () => {
    const existing = [pod({ foo: '' }, 'node-a', {}, 'ns1'), pod({ foo: '' }, 'node-a', {}, 'ns1'), ...pods('node-x', 1)];
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(zone, 1)] }), fourNodes(), existing)).toEqual({ 'node-a': ok, 'node-b': ok, 'node-x': unsched, 'node-y': unsched });
  });
  it('pods spread across zones as 3/3, all nodes fit', () => {
    const existing = [...pods('node-a', 1), ...pods('node-b', 2), ...pods('node-x', 2), ...pods('node-y', 1)];
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(zone, 1)] }), fourNodes(), existing)).toEqual({ 'node-a': ok, 'node-b': ok, 'node-x': ok, 'node-y': ok });
  });
  it('pods spread across zones as 1/2 due to absence of label \'zone\' on node-b', () => {
    const nodes = fourNodes();
    nodes[1] = ['node-b', { zon: 'zone1', [host]: 'node-b' }];
    const existing = [...pods('node-a', 1), ...pods('node-b', 1), ...pods('node-x', 1), ...pods('node-y', 1)];
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(zone, 1)] }), nodes, existing)).toEqual({ 'node-a': ok, 'node-b': unresolvable, 'node-x': unsched, 'node-y': unsched });
  });
  it('pod cannot be scheduled as all nodes don\'t have label \'rack\'', () => {
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c('rack', 1)] }), fourNodes(), [])).toEqual({ 'node-a': unresolvable, 'node-b': unresolvable, 'node-x': unresolvable, 'node-y': unresolvable });
  });
  it('pods spread across nodes as 2/1/0/3, only node-x fits', () => {
    const existing = [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-y', 3)];
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(host, 1)] }), fourNodes(), existing)).toEqual({ 'node-a': unsched, 'node-b': unsched, 'node-x': ok, 'node-y': unsched });
  });
  it('pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit', () => {
    const existing = [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-y', 3)];
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(host, 2)] }), fourNodes(), existing)).toEqual({ 'node-a': unsched, 'node-b': ok, 'node-x': ok, 'node-y': unsched });
  });
  it('pods spread across nodes as 2/1/0/3, but pod doesn\'t match itself', () => {
    const existing = [...pods('node-a', 2, { bar: '' }), ...pods('node-b', 1, { bar: '' }), ...pods('node-y', 3, { bar: '' })];
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(host, 1, 'bar')] }), fourNodes(), existing)).toEqual({ 'node-a': unsched, 'node-b': ok, 'node-x': ok, 'node-y': unsched });
  });
  it('incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits', () => {
    const affinity: Affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: host, operator: 'In', values: ['node-a', 'node-y'] }] }] } } };
    const existing = [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-y', 3)];
    const got = filterAll(pod({ foo: '' }, undefined, { affinity, topologySpreadConstraints: [c(host, 1)] }), fourNodes(), existing);
    expect([got['node-a'], got['node-y']]).toEqual([ok, unsched]);
    // nodeAffinityPolicy Ignore counts node-b and node-x too: the minimum is 0.
    const ignore = filterAll(pod({ foo: '' }, undefined, { affinity, topologySpreadConstraints: [c(host, 1, 'foo', { nodeAffinityPolicy: 'Ignore' })] }), fourNodes(), existing);
    expect([ignore['node-a'], ignore['node-y']]).toEqual([unsched, unsched]);
  });
  it('minDomains: fewer domains than minDomains makes the global minimum 0', () => {
    const existing = [...pods('node-a', 1), ...pods('node-b', 1), ...pods('node-x', 1)];
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(zone, 2)] }), fourNodes(), existing)).toEqual({ 'node-a': ok, 'node-b': ok, 'node-x': ok, 'node-y': ok });
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(zone, 2, 'foo', { minDomains: 3 })] }), fourNodes(), existing)).toEqual({ 'node-a': unsched, 'node-b': unsched, 'node-x': ok, 'node-y': ok });
  });
  it('nodeTaintsPolicy Honor leaves nodes with untolerated taints out of the count', () => {
    const nodes = fourNodes();
    nodes[2] = ['node-x', { zone: 'zone2', [host]: 'node-x' }, [{ key: 'k', value: 'v', effect: 'NoSchedule' }]];
    const existing = [...pods('node-a', 1), ...pods('node-b', 1), ...pods('node-y', 1)];
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(host, 1)] }), nodes, existing)['node-a']).toBe(unsched);
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(host, 1, 'foo', { nodeTaintsPolicy: 'Honor' })] }), nodes, existing)['node-a']).toBe(ok);
  });
  it('matchLabelKeys: only pods with the same values of those keys count', () => {
    const existing = pods('node-a', 2, { foo: '', bar: 'b' });
    expect(filterAll(pod({ foo: '', bar: 'a' }, undefined, { topologySpreadConstraints: [c(host, 1)] }), fourNodes(), existing)['node-a']).toBe(unsched);
    expect(filterAll(pod({ foo: '', bar: 'a' }, undefined, { topologySpreadConstraints: [c(host, 1, 'foo', { matchLabelKeys: ['bar'] })] }), fourNodes(), existing)['node-a']).toBe(ok);
  });
  it('two Constraints on zone and node, spreads = [3/3, 2/1/0/3]', () => {
    const existing = [...pods('node-a', 2), ...pods('node-b', 1), ...pods('node-y', 3)];
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(zone, 1), c(host, 1)] }), fourNodes(), existing)).toEqual({ 'node-a': unsched, 'node-b': unsched, 'node-x': ok, 'node-y': unsched });
  });
  it('ScheduleAnyway constraints and pods without constraints skip the filter', () => {
    const anyway: TopologySpreadConstraint = { ...c(host, 1), whenUnsatisfiable: 'ScheduleAnyway' };
    const existing = pods('node-a', 5);
    expect(filterAll(pod({ foo: '' }, undefined, { topologySpreadConstraints: [anyway] }), fourNodes(), existing)['node-a']).toBe(ok);
    expect(filterAll(pod({ foo: '' }), fourNodes(), existing)['node-a']).toBe(ok);
  });
  it('AddPod/RemovePod (preemption) update the counts', () => {
    const infos = fourNodes().map(([name, labels]) => {
      const ni = new NodeInfo();
      const node = makeNode(name);
      node.metadata.labels = labels;
      ni.setNode(node);
      return ni;
    });
    const snapshot = Snapshot.of(infos);
    const pl = new PodTopologySpread({ snapshotSharedLister: () => snapshot });
    const incoming = pod({ foo: '' }, undefined, { topologySpreadConstraints: [c(host, 1)] });
    const state = new CycleState();
    pl.preFilter(state, incoming);
    const copy = state.clone();
    const added = { pod: pod({ foo: '' }, 'node-a'), hasAffinity: false, hasRequiredAntiAffinity: false };
    for (const ni of infos) pl.preFilterExtensions().addPod(copy, incoming, added, ni.nodeName() === 'node-a' ? ni : ni);
    // one matching pod on every node: still balanced
    expect(pl.filter(copy, incoming, infos[0]!)).toBeUndefined();
    pl.preFilterExtensions().removePod(copy, incoming, added, infos[1]!);
    expect(pl.filter(copy, incoming, infos[0]!)?.reasons).toEqual([NotMatch]);
    expect(pl.filter(state, incoming, infos[0]!)).toBeUndefined();
  });
});
