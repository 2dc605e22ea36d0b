import type { Taint, Toleration } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { TaintToleration } from './taint-toleration.js';

const node = (name: string, taints: Taint[]) => {
  const ni = new NodeInfo();
  ni.setNode(makeNode(name, { taints }));
  return ni;
};
const pod = (tolerations: Toleration[] = []) => makePod('p', { spec: { containers: [], tolerations } });

// kube's TestTaintTolerationFilter.
describe('TaintToleration filter', () => {
  it.each<[string, Toleration[], Taint[], string | undefined]>([
    ['A pod having no tolerations can\'t be scheduled onto a node with nonempty taints', [], [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], 'node(s) had untolerated taint {dedicated: user1}'],
    ['A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule', [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], undefined],
    ['A pod which can\'t be scheduled on a dedicated node assigned to user2 with effect NoSchedule', [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }], [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], 'node(s) had untolerated taint {dedicated: user1}'],
    ['A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node', [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }], [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], undefined],
    ['A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node', [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }, { key: 'foo', operator: 'Exists', effect: 'NoSchedule' }], [{ key: 'dedicated', value: 'user2', effect: 'NoSchedule' }, { key: 'foo', value: 'bar', effect: 'NoSchedule' }], undefined],
    ['A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn\'t match, can\'t be scheduled onto the node', [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }], [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], 'node(s) had untolerated taint {foo: bar}'],
    ['The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node', [{ key: 'foo', operator: 'Equal', value: 'bar' }], [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], undefined],
    ['The pod has a toleration that key and value don\'t match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node', [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }], [{ key: 'dedicated', value: 'user1', effect: 'PreferNoSchedule' }], undefined],
    ['The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node', [], [{ key: 'dedicated', value: 'user1', effect: 'PreferNoSchedule' }], undefined],
    ['control-plane taint with an empty value', [], [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }], 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
  ])('%s', (_name, tolerations, taints, reason) => {
    const s = new TaintToleration().filter(new CycleState(), pod(tolerations), node('n', taints));
    if (!reason) expect(s).toBeUndefined();
    else expect([s?.code, s?.reasons]).toEqual([3, [reason]]);
  });
});

// kube's TestTaintTolerationScore.
describe('TaintToleration score', () => {
  const run = (tolerations: Toleration[], nodes: NodeInfo[]) => {
    const pl = new TaintToleration();
    const state = new CycleState();
    const p = pod(tolerations);
    pl.preScore(state, p);
    const scores = nodes.map((n) => ({ name: n.nodeName(), score: pl.score(state, p, n) }));
    pl.scoreExtensions().normalizeScore(state, p, scores);
    return scores.map((s) => s.score);
  };

  it("node with taints tolerated by the pod gets a higher score (that means nodes with taints that pod can't tolerate get low scores)", () => {
    expect(
      run([{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }], [node('nodeA', [{ key: 'foo', value: 'bar', effect: 'PreferNoSchedule' }]), node('nodeB', [{ key: 'foo', value: 'blah', effect: 'PreferNoSchedule' }])]),
    ).toEqual([100, 0]);
  });

  it('the more intolerable taints, the lower the score', () => {
    const tols: Toleration[] = [{ key: 'cpu-type', operator: 'Equal', value: 'arm64', effect: 'PreferNoSchedule' }];
    expect(
      run(tols, [
        node('nodeA', []),
        node('nodeB', [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }]),
        node('nodeC', [
          { key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' },
          { key: 'disk-type', value: 'ssd', effect: 'PreferNoSchedule' },
        ]),
        node('nodeD', [
          { key: 'cpu-type', value: 'x86', effect: 'PreferNoSchedule' },
          { key: 'disk-type', value: 'hdd', effect: 'PreferNoSchedule' },
        ]),
      ]),
    ).toEqual([100, 100, 50, 0]);
  });

  it('only taints and tolerations that have effect PreferNoSchedule are checked by the scoring', () => {
    expect(
      run([{ key: 'cpu-type', operator: 'Equal', value: 'arm64', effect: 'NoSchedule' }], [
        node('nodeA', []),
        node('nodeB', [{ key: 'cpu-type', value: 'arm64', effect: 'NoSchedule' }]),
        node('nodeC', [{ key: 'cpu-type', value: 'arm64', effect: 'PreferNoSchedule' }]),
      ]),
    ).toEqual([100, 100, 0]);
  });

  it('no taints: every node 100', () => {
    expect(run([], [node('nodeA', []), node('nodeB', [])])).toEqual([100, 100]);
  });
});
