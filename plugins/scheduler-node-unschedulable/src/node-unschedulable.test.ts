import type { Toleration } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { ErrReasonUnschedulable, NodeUnschedulable } from './node-unschedulable.js';

const tol: Toleration = { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' };

// kube's TestNodeUnschedulable.
describe('NodeUnschedulable', () => {
  it.each([
    ['Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)', true, undefined, ErrReasonUnschedulable],
    ['Schedule pod to normal node', false, undefined, undefined],
    ['Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)', true, [tol], undefined],
  ])('%s', (_name, unschedulable, tolerations, reason) => {
    const ni = new NodeInfo();
    ni.setNode(makeNode('n', { unschedulable }));
    const s = new NodeUnschedulable().filter(new CycleState(), makePod('p', { spec: { containers: [], tolerations } }), ni);
    if (!reason) expect(s).toBeUndefined();
    else expect([s?.code, s?.reasons]).toEqual([3, [reason]]);
  });

  it('a pod with no node info is unresolvable with unknown conditions', () => {
    expect(new NodeUnschedulable().filter(new CycleState(), makePod('p'), new NodeInfo())?.reasons).toEqual(['node(s) had unknown conditions']);
  });

  it('requeues only on a node that is schedulable', () => {
    const [reg] = new NodeUnschedulable().eventsToRegister();
    expect(reg!.queueingHintFn!(makePod('p'), undefined, makeNode('n', { unschedulable: true }))).toBe(0);
    expect(reg!.queueingHintFn!(makePod('p'), undefined, makeNode('n'))).toBe(1);
  });
});
