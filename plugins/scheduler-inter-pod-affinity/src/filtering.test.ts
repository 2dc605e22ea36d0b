import type { Affinity, LabelSelectorRequirement, Node, Pod, PodAffinityTerm } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo, type SharedLister, Snapshot, Status } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { ErrReasonAffinityRulesNotMatch as Aff, ErrReasonAntiAffinityRulesNotMatch as Anti, ErrReasonExistingAntiAffinityRulesNotMatch as Existing } from './filtering.js';
import { InterPodAffinity } from './inter-pod-affinity.js';
import type { NamespaceLister } from './terms.js';

const expr = (key: string, operator: LabelSelectorRequirement['operator'], ...values: string[]): LabelSelectorRequirement => ({ key, operator, values: values.length ? values : undefined });
const term = (topologyKey: string, exprs: LabelSelectorRequirement[], extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchExpressions: exprs }, topologyKey, ...extra });
const affinity = (req: PodAffinityTerm[] = [], anti: PodAffinityTerm[] = []): Affinity => ({
  podAffinity: req.length ? { requiredDuringSchedulingIgnoredDuringExecution: req } : undefined,
  podAntiAffinity: anti.length ? { requiredDuringSchedulingIgnoredDuringExecution: anti } : undefined,
});
let n = 0;
const pod = (labels: Record<string, string> | undefined, a?: Affinity, node?: string, ns?: string): Pod => makePod(`p${++n}`, { labels, node, ns, spec: a ? { affinity: a } : {} });
const mkNode = (name: string, labels: Record<string, string>): Node => {
  const node = makeNode(name);
  node.metadata.labels = labels;
  return node;
};

/** Runs PreFilter (Skip = pass) and Filter of the pod on every node; returns reason per node ('' = fits). */
function filterAll(incoming: Pod, nodes: Node[], existing: Pod[], nsLister?: NamespaceLister): Record<string, string> {
  const infos = nodes.map((node) => {
    const ni = new NodeInfo(...existing.filter((p) => p.spec?.nodeName === node.metadata.name));
    ni.setNode(node);
    return ni;
  });
  const snapshot = Snapshot.of(infos);
  const run = (lister: SharedLister) => {
    const pl = new InterPodAffinity({ snapshotSharedLister: () => lister }, {}, nsLister);
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
/** The snapshot seen through a lister without pod groups. */
const withoutGroups = (s: Snapshot): SharedLister => ({
  nodeInfos: () => ({ list: () => s.list(), get: (n) => s.get(n), havePodsWithAffinityList: () => s.havePodsWithAffinityList(), havePodsWithRequiredAntiAffinityList: () => s.havePodsWithRequiredAntiAffinityList() }),
});
const unresolvable = (r: string) => `3:${r}`;
const unschedulable = (r: string) => `2:${r}`;

// kube's TestRequiredAffinitySingleNode.
describe('InterPodAffinity filter (single node)', () => {
  const podLabel = { service: 'securityscan' };
  const podLabel2 = { security: 'S1' };
  const labels1 = { region: 'r1', zone: 'z11' };
  const node1 = mkNode('machine1', labels1);
  const cases: [string, Pod, Pod[], string][] = [
    ['A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods', pod(undefined), [], ''],
    ['satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod', pod(podLabel2, affinity([term('region', [expr('service', 'In', 'securityscan', 'value2')])])), [pod(podLabel, undefined, 'machine1')], ''],
    ['satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod', pod(podLabel2, affinity([term('region', [expr('service', 'NotIn', 'securityscan3', 'value3')])])), [pod(podLabel, undefined, 'machine1')], ''],
    ['Does not satisfy the PodAffinity with labelSelector because of diff Namespace', pod(podLabel2, affinity([term('region', [expr('service', 'In', 'securityscan', 'value2')], { namespaces: ['DiffNameSpace'] })])), [pod(podLabel, undefined, 'machine1', 'ns')], unresolvable(Aff)],
    ['Doesn\'t satisfy the PodAffinity because of unmatching labelSelector with the existing pod', pod(podLabel, affinity([term('region', [expr('service', 'In', 'antivirusscan', 'value2')])])), [pod(podLabel, undefined, 'machine1')], unresolvable(Aff)],
    ['satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution', pod(podLabel2, affinity([term('region', [expr('service', 'Exists'), expr('wrongkey', 'DoesNotExist')]), term('region', [expr('service', 'In', 'securityscan'), expr('service', 'NotIn', 'WrongValue')])])), [pod(podLabel, undefined, 'machine1')], ''],
    ['The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don\'t match.', pod(podLabel2, affinity([term('region', [expr('service', 'Exists'), expr('wrongkey', 'DoesNotExist')]), term('region', [expr('service', 'In', 'securityscan2'), expr('service', 'NotIn', 'WrongValue')])])), [pod(podLabel, undefined, 'machine1')], unresolvable(Aff)],
    ['satisfies the PodAffinity and PodAntiAffinity with the existing pod', pod(podLabel2, affinity([term('region', [expr('service', 'In', 'securityscan', 'value2')])], [term('node', [expr('service', 'In', 'antivirusscan', 'value2')])])), [pod(podLabel, undefined, 'machine1')], ''],
    ['satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod', pod(podLabel2, affinity([term('region', [expr('service', 'In', 'securityscan', 'value2')])], [term('node', [expr('service', 'In', 'antivirusscan', 'value2')])])), [pod(podLabel, affinity([], [term('node', [expr('service', 'In', 'antivirusscan', 'value2')])]), 'machine1')], ''],
    ['satisfies the PodAffinity but doesn\'t satisfy the PodAntiAffinity with the existing pod', pod(podLabel2, affinity([term('region', [expr('service', 'In', 'securityscan', 'value2')])], [term('zone', [expr('service', 'In', 'securityscan', 'value2')])])), [pod(podLabel, undefined, 'machine1')], unschedulable(Anti)],
    ['satisfies the PodAffinity and PodAntiAffinity but doesn\'t satisfy PodAntiAffinity symmetry with the existing pod', pod(podLabel, affinity([term('region', [expr('service', 'In', 'securityscan', 'value2')])], [term('node', [expr('service', 'In', 'antivirusscan', 'value2')])])), [pod(podLabel, affinity([], [term('zone', [expr('service', 'In', 'securityscan', 'value2')])]), 'machine1')], unschedulable(Existing)],
    ['pod matches its own Label in PodAffinity and that matches the existing pod Labels', pod(podLabel, affinity([term('region', [expr('service', 'NotIn', 'securityscan', 'value2')])])), [pod(podLabel, undefined, 'machine2')], unresolvable(Aff)],
    ['verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn\'t satisfy PodAntiAffinity symmetry with the existing pod', pod(podLabel), [pod(podLabel, affinity([], [term('zone', [expr('service', 'In', 'securityscan', 'value2')])]), 'machine1')], unschedulable(Existing)],
    ['verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod', pod(podLabel), [pod(podLabel, affinity([], [term('zone', [expr('service', 'NotIn', 'securityscan', 'value2')])]), 'machine1')], ''],
    ['satisfies the PodAntiAffinity with existing pod but doesn\'t satisfy PodAntiAffinity symmetry with incoming pod', pod(podLabel, affinity([], [term('region', [expr('service', 'Exists')]), term('zone', [expr('security', 'Exists')])])), [pod(podLabel2, affinity([], [term('zone', [expr('security', 'Exists')])]), 'machine1')], unschedulable(Anti)],
    ['PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms', pod(podLabel, affinity([], [term('zone', [expr('security', 'Exists')])])), [pod(podLabel2, affinity([], [term('zone', [expr('service', 'Exists')])]), 'machine1')], unschedulable(Anti)],
    ['PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on AffinityTerms', pod({ abc: '', xyz: '' }, affinity([], [term('zone', [expr('abc', 'Exists')]), term('zone', [expr('def', 'Exists')])])), [pod({ def: '', xyz: '' }, affinity([], [term('zone', [expr('abc', 'Exists')]), term('zone', [expr('def', 'Exists')])]), 'machine1')], unschedulable(Anti)],
    ['the first pod of a group with affinity to itself fits when no pod matches yet', pod(podLabel, affinity([term('region', [expr('service', 'In', 'securityscan')])])), [], ''],
    ['the first pod of a group with affinity to itself still needs the topology label', pod(podLabel, affinity([term('rack', [expr('service', 'In', 'securityscan')])])), [], unresolvable(Aff)],
    ['a pod matching its own terms does not pass when other pods match elsewhere only', pod(podLabel, affinity([term('zone', [expr('service', 'In', 'securityscan')])])), [pod(podLabel, undefined, 'machine2')], unresolvable(Aff)],
  ];
  it.each(cases)('%s', (_name, incoming, existing, want) => {
    const nodes = [node1];
    // The last case has the matching pod on a second node in another zone.
    if (existing.some((p) => p.spec?.nodeName === 'machine2') && _name.startsWith('a pod matching')) nodes.push(mkNode('machine2', { region: 'r1', zone: 'z12' }));
    expect(filterAll(incoming, nodes, existing).machine1).toBe(want);
  });

  it('namespaceSelector selects the namespaces of matching pods', () => {
    const nsLister: NamespaceLister = {
      labels: (name) => ({ team1: { team: 'team1' }, team2: { team: 'team2' } })[name],
      list: () => [{ name: 'team1', labels: { team: 'team1' } }, { name: 'team2', labels: { team: 'team2' } }],
    };
    const existing = [pod(podLabel, undefined, 'machine1', 'team1')];
    const withSel = (team: string) => pod(podLabel2, affinity([term('region', [expr('service', 'In', 'securityscan')], { namespaceSelector: { matchLabels: { team } } })]));
    expect(filterAll(withSel('team1'), [node1], existing, nsLister).machine1).toBe('');
    expect(filterAll(withSel('team2'), [node1], existing, nsLister).machine1).toBe(unresolvable(Aff));
    // An empty namespaceSelector selects every namespace.
    const all = pod(podLabel2, affinity([term('region', [expr('service', 'In', 'securityscan')], { namespaceSelector: {} })]));
    expect(filterAll(all, [node1], existing, nsLister).machine1).toBe('');
    // Existing pods' anti-affinity namespaceSelector is matched against the incoming pod's namespace labels.
    const anti = [pod(podLabel, affinity([], [term('zone', [expr('security', 'Exists')], { namespaceSelector: { matchLabels: { team: 'team2' } } })]), 'machine1', 'team1')];
    expect(filterAll(pod(podLabel2, undefined, undefined, 'team2'), [node1], anti, nsLister).machine1).toBe(unschedulable(Existing));
    expect(filterAll(pod(podLabel2, undefined, undefined, 'team1'), [node1], anti, nsLister).machine1).toBe('');
  });
});

// kube's TestRequiredAffinityMultipleNodes (subset).
describe('InterPodAffinity filter (multiple nodes)', () => {
  const nodes = [mkNode('machine1', { region: 'r1', zone: 'z11' }), mkNode('machine2', { region: 'r1', zone: 'z12' }), mkNode('machine3', { region: 'r2', zone: 'z21' })];
  it('A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules', () => {
    const got = filterAll(pod(undefined, affinity([term('region', [expr('foo', 'In', 'bar')])])), nodes, [pod({ foo: 'bar' }, undefined, 'machine1')]);
    expect(got).toEqual({ machine1: '', machine2: '', machine3: unresolvable(Aff) });
  });
  it('NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.', () => {
    const got = filterAll(pod(undefined, affinity([], [term('region', [expr('foo', 'In', 'abc')])])), nodes, [pod({ foo: 'abc' }, undefined, 'machine1')]);
    expect(got).toEqual({ machine1: unschedulable(Anti), machine2: unschedulable(Anti), machine3: '' });
  });
  it('existing pods\' anti-affinity keeps the incoming pod out of their zone only', () => {
    const got = filterAll(pod({ foo: 'bar' }), nodes, [pod(undefined, affinity([], [term('zone', [expr('foo', 'In', 'bar')])]), 'machine1')]);
    expect(got).toEqual({ machine1: unschedulable(Existing), machine2: '', machine3: '' });
  });
});

describe('InterPodAffinity PreFilterExtensions', () => {
  it('AddPod/RemovePod update the counts as if the pod were there', () => {
    const nodes = [mkNode('machine1', { zone: 'z1' }), mkNode('machine2', { zone: 'z2' })];
    const infos = nodes.map((node) => {
      const ni = new NodeInfo();
      ni.setNode(node);
      return ni;
    });
    const snapshot = Snapshot.of(infos);
    const pl = new InterPodAffinity({ snapshotSharedLister: () => snapshot });
    const incoming = pod(undefined, affinity([], [term('zone', [expr('foo', 'In', 'bar')])]));
    const state = new CycleState();
    expect(pl.preFilter(state, incoming)).toBeUndefined();
    expect(pl.filter(state, incoming, infos[0]!)).toBeUndefined();
    const victim = { pod: pod({ foo: 'bar' }, undefined, 'machine1'), hasAffinity: false, hasRequiredAntiAffinity: false };
    const copy = state.clone();
    pl.preFilterExtensions().addPod(copy, incoming, victim, infos[0]!);
    expect(pl.filter(copy, incoming, infos[0]!)?.reasons).toEqual([Anti]);
    expect(pl.filter(state, incoming, infos[0]!)).toBeUndefined();
    pl.preFilterExtensions().removePod(copy, incoming, victim, infos[0]!);
    expect(pl.filter(copy, incoming, infos[0]!)).toBeUndefined();
    expect(Status.success().isSuccess()).toBe(true);
  });
});
