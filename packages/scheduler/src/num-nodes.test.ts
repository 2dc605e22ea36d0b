import { describe, expect, it } from 'vitest';
import { numFeasibleNodesToFind } from './num-nodes.js';

// kube's TestNumFeasibleNodesToFind.
describe('numFeasibleNodesToFind', () => {
  it.each([
    ['not set, nodes under 100', undefined, 10, 10],
    ['set, nodes under 100', 40, 10, 10],
    ['not set, 1000 nodes', undefined, 1000, 420],
    ['set 40, 1000 nodes', 40, 1000, 400],
    ['not set, 6000 nodes', undefined, 6000, 300],
    ['set 40, 6000 nodes', 40, 6000, 2400],
    ['not set, 5000 nodes', undefined, 5000, 500],
    ['set 10, 101 nodes (at least 100)', 10, 101, 100],
    ['not set, exactly 100 nodes', undefined, 100, 100],
    ['100%', 100, 3000, 3000],
  ])('%s', (_name, pct, nodes, want) => {
    expect(numFeasibleNodesToFind(pct, nodes)).toBe(want);
  });
});
