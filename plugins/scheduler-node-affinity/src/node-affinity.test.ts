import type { Affinity, NodeSelectorRequirement, Pod } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo, type NodeScore, Status } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { ErrReasonConflict, ErrReasonEnforced, ErrReasonPod, NodeAffinity, type NodeAffinityArgs } from './node-affinity.js';

const req = (key: string, operator: NodeSelectorRequirement['operator'], ...values: string[]): NodeSelectorRequirement => ({ key, operator, values: values.length ? values : undefined });
const podWith = (spec: { nodeSelector?: Record<string, string>; affinity?: Affinity }): Pod => makePod('p', { spec });
const required = (...terms: { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }[]): Affinity => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
});
const nodeInfo = (name: string, labels: Record<string, string> = {}) => {
  const ni = new NodeInfo();
  const n = makeNode(name);
  n.metadata.labels = labels;
  ni.setNode(n);
  return ni;
};

function run(pod: Pod, ni: NodeInfo, args?: NodeAffinityArgs) {
  const pl = new NodeAffinity(args);
  const state = new CycleState();
  const pre = pl.preFilter(state, pod);
  const preStatus = pre instanceof Status || !pre ? pre : pre.status;
  const preResult = pre instanceof Status || !pre ? undefined : pre.result;
  if (preStatus && !preStatus.isSkip()) return { pre: preStatus, preResult };
  const s = preStatus?.isSkip() ? undefined : pl.filter(state, pod, ni);
  return { pre: preStatus, preResult, filter: s };
}

// kube's TestNodeAffinity.
describe('NodeAffinity filter', () => {
  const cases: [string, Pod, Record<string, string>, string | undefined, { nodeName?: string; args?: NodeAffinityArgs; preResult?: string[] }?][] = [
    ['missing labels', podWith({ nodeSelector: { foo: 'bar' } }), {}, ErrReasonPod],
    ['same labels', podWith({ nodeSelector: { foo: 'bar' } }), { foo: 'bar' }, undefined],
    ['node labels are superset', podWith({ nodeSelector: { foo: 'bar' } }), { foo: 'bar', baz: 'blah' }, undefined],
    ['node labels are subset', podWith({ nodeSelector: { foo: 'bar', baz: 'blah' } }), { foo: 'bar' }, ErrReasonPod],
    ['Pod with matchExpressions using In operator that matches the existing node', podWith({ affinity: required({ matchExpressions: [req('foo', 'In', 'bar', 'value2')] }) }), { foo: 'bar' }, undefined],
    ['Pod with matchExpressions using Gt operator that matches the existing node', podWith({ affinity: required({ matchExpressions: [req('kernel-version', 'Gt', '0204')] }) }), { 'kernel-version': '0206' }, undefined],
    ['Pod with matchExpressions using NotIn operator that matches the existing node', podWith({ affinity: required({ matchExpressions: [req('mem-type', 'NotIn', 'DDR', 'DDR2')] }) }), { 'mem-type': 'DDR3' }, undefined],
    ['Pod with matchExpressions using Exists operator that matches the existing node', podWith({ affinity: required({ matchExpressions: [req('GPU', 'Exists')] }) }), { GPU: 'NVIDIA-GRID-K1' }, undefined],
    ['Pod with affinity that don\'t match node\'s labels won\'t schedule onto the node', podWith({ affinity: required({ matchExpressions: [req('foo', 'In', 'value1', 'value2')] }) }), { foo: 'bar' }, ErrReasonPod],
    ['Pod with empty MatchExpressions is not a valid value will match no objects and won\'t schedule onto the node', podWith({ affinity: required({ matchExpressions: [] }) }), { foo: 'bar' }, ErrReasonPod],
    ['Pod with a nil []NodeSelectorTerm in affinity, can\'t match the node\'s labels and won\'t schedule onto the node', podWith({ affinity: required() }), { foo: 'bar' }, ErrReasonPod],
    ['Pod with no Affinity will schedule onto a node', podWith({}), { foo: 'bar' }, undefined],
    ['Pod with Affinity but nil NodeSelector will schedule onto a node', podWith({ affinity: { nodeAffinity: {} } }), { foo: 'bar' }, undefined],
    ['Pod with multiple matchExpressions ANDed that matches the existing node', podWith({ affinity: required({ matchExpressions: [req('GPU', 'Exists'), req('GPU', 'NotIn', 'AMD', 'INTER')] }) }), { GPU: 'NVIDIA-GRID-K1' }, undefined],
    ['Pod with multiple matchExpressions ANDed that doesn\'t match the existing node', podWith({ affinity: required({ matchExpressions: [req('GPU', 'Exists'), req('GPU', 'In', 'AMD', 'INTER')] }) }), { GPU: 'NVIDIA-GRID-K1' }, ErrReasonPod],
    ['Pod with multiple NodeSelectorTerms ORed in affinity, matches the node\'s labels and will schedule onto the node', podWith({ affinity: required({ matchExpressions: [req('foo', 'In', 'bar', 'value2')] }, { matchExpressions: [req('diffkey', 'In', 'wrong', 'value2')] }) }), { foo: 'bar' }, undefined],
    ['Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, will schedule onto the node', podWith({ nodeSelector: { foo: 'bar' }, affinity: required({ matchExpressions: [req('foo', 'Exists')] }) }), { foo: 'bar' }, undefined],
    ['Pod with an Affinity matches node\'s labels but the PodSpec.NodeSelector(the old thing that we are deprecating) is not satisfied, won\'t schedule onto the node', podWith({ nodeSelector: { foo: 'bar' }, affinity: required({ matchExpressions: [req('foo', 'Exists')] }) }), { foo: 'barrrrrr' }, ErrReasonPod],
    ['Pod with an invalid value in Affinity term won\'t be scheduled onto the node', podWith({ affinity: required({ matchExpressions: [req('foo', 'NotIn', 'invalid value: ___@#$%^')] }) }), { foo: 'bar' }, ErrReasonPod],
    ['Pod with Lt and DoesNotExist operators', podWith({ affinity: required({ matchExpressions: [req('kernel-version', 'Lt', '10'), req('GPU', 'DoesNotExist')] }) }), { 'kernel-version': '9' }, undefined],
    ['Pod with Gt and a non-integer node label does not match', podWith({ affinity: required({ matchExpressions: [req('kernel-version', 'Gt', '1')] }) }), { 'kernel-version': 'abc' }, ErrReasonPod],
    ['Pod with matchFields using In operator that matches the existing node', podWith({ affinity: required({ matchFields: [req('metadata.name', 'In', 'node1')] }) }), {}, undefined, { nodeName: 'node1', preResult: ['node1'] }],
    ['Pod with matchFields using In operator that does not match the existing node', podWith({ affinity: required({ matchFields: [req('metadata.name', 'In', 'node1')] }) }), {}, ErrReasonPod, { nodeName: 'node2', preResult: ['node1'] }],
    ['Pod with two terms: matchFields does not match, but matchExpressions matches', podWith({ affinity: required({ matchFields: [req('metadata.name', 'In', 'node1')] }, { matchExpressions: [req('foo', 'In', 'bar')] }) }), { foo: 'bar' }, undefined, { nodeName: 'node2' }],
    ['Pod with one term: matchFields does not match, but matchExpressions matches', podWith({ affinity: required({ matchFields: [req('metadata.name', 'In', 'node1')], matchExpressions: [req('foo', 'In', 'bar')] }) }), { foo: 'bar' }, ErrReasonPod, { nodeName: 'node2', preResult: ['node1'] }],
    ['Pod with one term: both matchFields and matchExpressions match', podWith({ affinity: required({ matchFields: [req('metadata.name', 'In', 'node1')], matchExpressions: [req('foo', 'In', 'bar')] }) }), { foo: 'bar' }, undefined, { nodeName: 'node1', preResult: ['node1'] }],
    ['Pod with two terms: both matchFields and matchExpressions do not match', podWith({ affinity: required({ matchFields: [req('metadata.name', 'In', 'node1')] }, { matchExpressions: [req('foo', 'In', 'not-match-to-bar')] }) }), { foo: 'bar' }, ErrReasonPod, { nodeName: 'node2' }],
    ['Pod with two terms of node.Name affinity', podWith({ affinity: required({ matchFields: [req('metadata.name', 'In', 'node1')] }, { matchFields: [req('metadata.name', 'In', 'node2')] }) }), {}, undefined, { nodeName: 'node2', preResult: ['node1', 'node2'] }],
    ['Pod with two conflicting mach field requirements', podWith({ affinity: required({ matchFields: [req('metadata.name', 'In', 'node1'), req('metadata.name', 'In', 'node2')] }) }), {}, ErrReasonConflict, { nodeName: 'node2' }],
    ['Matches added affinity and Pod\'s node affinity', podWith({ affinity: required({ matchExpressions: [req('zone', 'In', 'foo')] }) }), { zone: 'foo' }, undefined, { nodeName: 'node1', args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [req('metadata.name', 'In', 'node1')] }] } } } }],
    ['Matches added affinity but not Pod\'s node affinity', podWith({ affinity: required({ matchExpressions: [req('zone', 'In', 'bar')] }) }), { zone: 'foo' }, ErrReasonPod, { nodeName: 'node1', args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [req('metadata.name', 'In', 'node1')] }] } } } }],
    ['Doesn\'t match added affinity', podWith({}), { zone: 'foo' }, ErrReasonEnforced, { nodeName: 'node2', args: { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [req('metadata.name', 'In', 'node1')] }] } } } }],
  ];
  it.each(cases)('%s', (_name, pod, labels, reason, opts = {}) => {
    const out = run(pod, nodeInfo(opts.nodeName ?? 'node1', labels), opts.args);
    if (reason === ErrReasonConflict) {
      expect([out.pre?.code, out.pre?.reasons]).toEqual([3, [reason]]);
      return;
    }
    expect(out.preResult?.nodeNames ? [...out.preResult.nodeNames].sort() : undefined).toEqual(opts.preResult);
    if (!reason) expect(out.filter).toBeUndefined();
    else expect([out.filter?.code, out.filter?.reasons]).toEqual([3, [reason]]);
  });
});

// kube's TestNodeAffinityPriority.
describe('NodeAffinity score', () => {
  const label1 = { foo: 'bar' };
  const label2 = { key: 'value' };
  const label3 = { az: 'az1' };
  const label5 = { foo: 'bar', key: 'value', az: 'az1' };
  const pref = (...terms: [number, NodeSelectorRequirement[]][]): Affinity => ({
    nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms.map(([weight, matchExpressions]) => ({ weight, preference: { matchExpressions } })) },
  });
  const affinity1 = pref([2, [req('foo', 'In', 'bar')]]);
  const affinity2 = pref([2, [req('foo', 'In', 'bar')]], [4, [req('key', 'In', 'value')]], [5, [req('foo', 'In', 'bar'), req('key', 'In', 'value'), req('az', 'In', 'az1')]]);

  function scores(pod: Pod, nodes: [string, Record<string, string>][], args?: NodeAffinityArgs): Record<string, number> | 'skip' {
    const pl = new NodeAffinity(args);
    const state = new CycleState();
    const infos = nodes.map(([n, l]) => nodeInfo(n, l));
    if (pl.preScore(state, pod, infos)?.isSkip()) return 'skip';
    const list: NodeScore[] = infos.map((ni) => ({ name: ni.nodeName(), score: pl.score(state, pod, ni) as number }));
    pl.scoreExtensions().normalizeScore(state, pod, list);
    return Object.fromEntries(list.map((s) => [s.name, s.score]));
  }

  it('all nodes are same priority as NodeAffinity is nil (Skip)', () => {
    expect(scores(podWith({}), [['node1', label1], ['node2', label2], ['node3', label3]])).toBe('skip');
  });
  it('no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes\' priority is zero', () => {
    expect(scores(podWith({ affinity: affinity1 }), [['node1', label3], ['node2', label2]])).toEqual({ node1: 0, node2: 0 });
  });
  it('only node1 matches the preferred scheduling requirements of pod', () => {
    expect(scores(podWith({ affinity: affinity1 }), [['node1', label1], ['node2', label2], ['node3', label3]])).toEqual({ node1: 100, node2: 0, node3: 0 });
  });
  it('all nodes matches the preferred scheduling requirements of pod but with different priorities', () => {
    expect(scores(podWith({ affinity: affinity2 }), [['node1', label1], ['node5', label5], ['node2', label2]])).toEqual({ node1: 18, node5: 100, node2: 36 });
  });
  it('added affinity', () => {
    const args: NodeAffinityArgs = { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, preference: { matchExpressions: [req('key', 'In', 'value')] } }] } };
    expect(scores(podWith({ affinity: affinity1 }), [['node1', label1], ['node2', label2], ['node3', label5]], args)).toEqual({ node1: 40, node2: 60, node3: 100 });
  });
});
