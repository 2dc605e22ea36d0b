import { CycleState, makeNode, makePod, NodeInfo } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { ErrReason, NodeName } from './node-name.js';

// kube's TestNodeName.
describe('NodeName', () => {
  it.each([
    ['no host specified', undefined, 'foo', undefined],
    ['host matches', 'foo', 'foo', undefined],
    ['host doesn\'t match', 'bar', 'foo', ErrReason],
  ])('%s', (_name, podNode, node, reason) => {
    const ni = new NodeInfo();
    ni.setNode(makeNode(node));
    const s = new NodeName().filter(new CycleState(), makePod('p', { node: podNode }), ni);
    if (!reason) expect(s).toBeUndefined();
    else {
      expect(s?.code).toBe(3);
      expect(s?.reasons).toEqual([reason]);
    }
  });
});
