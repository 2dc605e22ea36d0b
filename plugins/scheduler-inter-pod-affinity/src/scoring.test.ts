import type { Affinity, LabelSelectorRequirement, Pod } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo, type NodeScore, type SharedLister, Snapshot } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { InterPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity.js';

const expr = (key: string, operator: LabelSelectorRequirement['operator'], ...values: string[]): LabelSelectorRequirement => ({ key, operator, values: values.length ? values : undefined });
const weighted = (weight: number, topologyKey: string, ...exprs: LabelSelectorRequirement[]) => ({ weight, podAffinityTerm: { labelSelector: { matchExpressions: exprs }, topologyKey } });
const regionChina = { region: 'China' };
const regionIndia = { region: 'India' };
const azAz1 = { az: 'az1' };
const regionChinaAzAz1 = { region: 'China', az: 'az1' };
const s1 = { security: 'S1' };
const s2 = { security: 'S2' };
const stayWithS1InRegion: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, 'region', expr('security', 'In', 'S1'))] } };
const stayWithS2InRegion: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(6, 'region', expr('security', 'In', 'S2'))] } };
const affinity3: Affinity = {
  podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(8, 'region', expr('security', 'NotIn', 'S1'), expr('security', 'In', 'S2')), weighted(2, 'region', expr('security', 'Exists'), expr('wrongkey', 'DoesNotExist'))] },
};
const hardAffinity: Affinity = {
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchExpressions: [expr('security', 'In', 'S1', 'value2')] }, topologyKey: 'region' },
      { labelSelector: { matchExpressions: [expr('security', 'Exists'), expr('wrongkey', 'DoesNotExist')] }, topologyKey: 'region' },
    ],
  },
};
const awayFromS1InAz: Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, 'az', expr('security', 'In', 'S1'))] } };

let n = 0;
const pod = (labels: Record<string, string> | undefined, affinity?: Affinity, node?: string): Pod => makePod(`p${++n}`, { labels, node, spec: affinity ? { affinity } : {} });

function scores(incoming: Pod, existing: Pod[], nodes: [string, Record<string, string>][], args?: InterPodAffinityArgs): Record<string, number> | 'skip' {
  const infos = nodes.map(([name, labels]) => {
    const ni = new NodeInfo(...existing.filter((p) => p.spec?.nodeName === name));
    const node = makeNode(name);
    node.metadata.labels = labels;
    ni.setNode(node);
    return ni;
  });
  const snapshot = Snapshot.of(infos);
  const run = (lister: SharedLister): Record<string, number> | 'skip' => {
    const pl = new InterPodAffinity({ snapshotSharedLister: () => lister }, args);
    const state = new CycleState();
    if (pl.preScore(state, incoming, infos)?.isSkip()) return 'skip';
    const list: NodeScore[] = infos.map((ni) => ({ name: ni.nodeName(), score: pl.score(state, incoming, ni) as number }));
    pl.scoreExtensions().normalizeScore(state, incoming, list);
    return Object.fromEntries(list.map((s) => [s.name, s.score]));
  };
  const out = run(snapshot);
  // A lister without pod groups (every node with affinity pods visited) scores the same.
  const plain: SharedLister = { nodeInfos: () => ({ list: () => snapshot.list(), get: (n) => snapshot.get(n), havePodsWithAffinityList: () => snapshot.havePodsWithAffinityList(), havePodsWithRequiredAntiAffinityList: () => snapshot.havePodsWithRequiredAntiAffinityList() }) };
  expect(run(plain)).toEqual(out);
  return out;
}

// kube's TestPreferredAffinity and TestPreferredAffinityWithHardPodAffinitySymmetricWeight.
describe('InterPodAffinity score', () => {
  it('all nodes are same priority as Affinity is nil', () => {
    expect(scores(pod(s1), [], [['node1', regionChina], ['node2', regionIndia], ['node3', azAz1]])).toBe('skip');
  });
  it('Affinity: pod that matches topology key & pods in nodes will get high score comparing to others', () => {
    const pods = [pod(s1, undefined, 'node1'), pod(s2, undefined, 'node2'), pod(s1, undefined, 'node3')];
    expect(scores(pod(s1, stayWithS1InRegion), pods, [['node1', regionChina], ['node2', regionIndia], ['node3', azAz1]])).toEqual({ node1: 100, node2: 0, node3: 0 });
  });
  it('All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score', () => {
    expect(scores(pod(undefined, stayWithS1InRegion), [pod(s1, undefined, 'node1')], [['node1', regionChina], ['node2', regionChinaAzAz1], ['node3', regionIndia]])).toEqual({ node1: 100, node2: 100, node3: 0 });
  });
  it('Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score', () => {
    const pods = ['node1', 'node1', 'node2', 'node3', 'node4', 'node5'].map((nd) => pod(s2, undefined, nd));
    const nodes: [string, Record<string, string>][] = [['node1', regionChina], ['node2', regionIndia], ['node3', regionChina], ['node4', regionChina], ['node5', regionIndia]];
    expect(scores(pod(s1, stayWithS2InRegion), pods, nodes)).toEqual({ node1: 100, node2: 0, node3: 100, node4: 100, node5: 0 });
  });
  it('Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures', () => {
    const pods = [pod(s1, undefined, 'node1'), pod(s2, undefined, 'node2'), pod(s1, undefined, 'node3')];
    expect(scores(pod(s1, affinity3), pods, [['node1', regionChina], ['node2', regionIndia], ['node3', azAz1]])).toEqual({ node1: 20, node2: 100, node3: 0 });
  });
  it('Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry', () => {
    const pods = [pod(s1, stayWithS1InRegion, 'node1'), pod(s2, stayWithS2InRegion, 'node2')];
    expect(scores(pod(s2), pods, [['node1', regionChina], ['node2', regionIndia], ['node3', azAz1]])).toEqual({ node1: 0, node2: 100, node3: 0 });
  });
  it('Anti Affinity: pod that does not match existing pods in node will get high score', () => {
    expect(scores(pod(s1, awayFromS1InAz), [pod(s1, undefined, 'node1'), pod(s2, undefined, 'node2')], [['node1', azAz1], ['node2', regionChina]])).toEqual({ node1: 0, node2: 100 });
  });
  it('ignorePreferredTermsOfExistingPods skips when the incoming pod has no preferred terms', () => {
    const pods = [pod(s1, stayWithS1InRegion, 'node1'), pod(s2, stayWithS2InRegion, 'node2')];
    expect(scores(pod(s2), pods, [['node1', regionChina], ['node2', regionIndia]], { ignorePreferredTermsOfExistingPods: true })).toBe('skip');
  });
  it('Hard Pod Affinity symmetry: hard pod affinity symmetry weights 1 by default, then nodes that match the hard pod affinity symmetry rules, get a high score', () => {
    const pods = [pod(undefined, hardAffinity, 'node1'), pod(undefined, hardAffinity, 'node2')];
    const nodes: [string, Record<string, string>][] = [['node1', regionChina], ['node2', regionIndia], ['node3', azAz1]];
    expect(scores(pod(s1), pods, nodes)).toEqual({ node1: 100, node2: 100, node3: 0 });
    expect(scores(pod(s1), [pods[0]!], [['node1', regionChina], ['node2', regionIndia], ['node3', regionChinaAzAz1]])).toEqual({ node1: 100, node2: 0, node3: 100 });
  });
  it('Hard Pod Affinity symmetry: hard pod affinity symmetry is closed(weights 0), then nodes that match the hard pod affinity symmetry rules, get same score with those not match', () => {
    const pods = [pod(undefined, hardAffinity, 'node1'), pod(undefined, hardAffinity, 'node2')];
    expect(scores(pod(s1), pods, [['node1', regionChina], ['node2', regionIndia], ['node3', azAz1]], { hardPodAffinityWeight: 0 })).toBe('skip');
  });
  it('validates hardPodAffinityWeight', () => {
    expect(() => new InterPodAffinity({ snapshotSharedLister: () => Snapshot.of([]) }, { hardPodAffinityWeight: 101 })).toThrow('hardPodAffinityWeight');
  });
});
