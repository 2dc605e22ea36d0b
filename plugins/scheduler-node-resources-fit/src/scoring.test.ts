import type { Pod } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { Fit } from './fit.js';
import type { ResourceSpec, ScoringStrategy } from './scoring.js';

/** kube's st.MakePod(): no containers unless requests are given. */
const pod = (...reqs: Record<string, string>[]) => makePod('p', { requests: reqs.length ? reqs : [] });
const node = (name: string, capacity: Record<string, string>, ...pods: Pod[]) => {
  const ni = new NodeInfo(...pods);
  ni.setNode(makeNode(name, { capacity }));
  return ni;
};
const defaults: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

function scores(strategy: ScoringStrategy, p: Pod, nodes: NodeInfo[]): (number | string)[] {
  const pl = new Fit({ scoringStrategy: strategy });
  const state = new CycleState();
  pl.preScore(state, p);
  return nodes.map((n) => {
    const s = pl.score(state, p, n);
    return typeof s === 'number' ? s : `error: ${s.message()}`;
  });
}

const cap = (cpu: string, memory: string, extra: Record<string, string> = {}) => ({ cpu, memory, ...extra });
// kube's test capacities are plain numbers: cpu "4000" is 4000 cores; in milli-cpu, 4000000.

// kube's TestLeastAllocatedScoringStrategy.
describe('LeastAllocated', () => {
  const least = (resources: ResourceSpec[] = defaults): ScoringStrategy => ({ type: 'LeastAllocated', resources });
  it('nothing scheduled, nothing requested', () => {
    expect(scores(least(), pod(), [node('node1', cap('4000', '10000')), node('node2', cap('4000', '10000'))])).toEqual([100, 100]);
  });
  it('nothing scheduled, resources requested, differently sized nodes', () => {
    const p = pod({ cpu: '1000', memory: '2000' }, { cpu: '2000', memory: '3000' });
    expect(scores(least(), p, [node('node1', cap('4000', '10000')), node('node2', cap('6000', '10000'))])).toEqual([37, 50]);
  });
  it('Resources not set, pods scheduled with error', () => {
    const pl = new Fit({ scoringStrategy: { type: 'LeastAllocated' } });
    const s = pl.score(new CycleState(), pod({ cpu: '1000' }), node('node1', cap('4000', '10000')));
    expect(typeof s === 'number' ? s : s.code).toBe(1);
  });
  it('no resources requested, pods scheduled with resources', () => {
    const n1 = node('node1', cap('10000', '20000'), pod({ cpu: '3000', memory: '0' }), pod({ cpu: '3000', memory: '0' }));
    const n2 = node('node2', cap('10000', '20000'), pod({ cpu: '3000', memory: '0' }), pod({ cpu: '3000', memory: '5000' }));
    expect(scores(least(), pod(), [n1, n2])).toEqual([70, 57]);
  });
  it('resources requested, pods scheduled with resources, differently sized nodes', () => {
    const p = pod({ cpu: '1000', memory: '2000' }, { cpu: '2000', memory: '3000' });
    const n1 = node('node1', cap('10000', '20000'), pod({ cpu: '3000', memory: '0' }));
    const n2 = node('node2', cap('10000', '50000'), pod({ cpu: '3000', memory: '5000' }));
    expect(scores(least(), p, [n1, n2])).toEqual([57, 60]);
  });
  it('requested resources exceed node capacity', () => {
    const n1 = node('node1', cap('4000', '10000'), pod({ cpu: '3000', memory: '0' }));
    const n2 = node('node2', cap('4000', '10000'), pod({ cpu: '3000', memory: '5000' }));
    expect(scores(least(), pod({ cpu: '3000', memory: '0' }), [n1, n2])).toEqual([50, 25]);
  });
  it('zero node resources, pods scheduled with resources', () => {
    expect(scores(least(), pod(), [node('node1', {}, pod({ cpu: '3000', memory: '0' })), node('node2', {})])).toEqual([0, 0]);
  });
  it('different weights on CPU and memory', () => {
    const p = pod({ cpu: '1000', memory: '2000' }, { cpu: '2000', memory: '3000' });
    const w = [
      { name: 'memory', weight: 2 },
      { name: 'cpu', weight: 1 },
    ];
    expect(scores(least(w), p, [node('node1', cap('4000', '10000')), node('node2', cap('6000', '10000'))])).toEqual([41, 50]);
  });
  it('bypass extended resource if the pod does not request; honor it if it does', () => {
    const ext = [...defaults, { name: 'intel.com/foo', weight: 1 }];
    const p = pod({ cpu: '1000', memory: '2000' }, { cpu: '2000', memory: '3000' });
    expect(scores(least(ext), p, [node('node1', cap('6000', '10000')), node('node2', cap('6000', '10000', { 'intel.com/foo': '4' }))])).toEqual([50, 50]);
    const q = pod({ cpu: '1000', memory: '2000', 'intel.com/foo': '2' }, { cpu: '2000', memory: '3000' });
    expect(scores(least(ext), q, [node('node1', cap('6000', '10000', { 'intel.com/foo': '4' })), node('node2', cap('6000', '10000', { 'intel.com/foo': '10' }))])).toEqual([50, 60]);
  });
});

// kube's TestMostAllocatedScoringStrategy.
describe('MostAllocated', () => {
  const most: ScoringStrategy = { type: 'MostAllocated', resources: defaults };
  it('nothing scheduled, nothing requested', () => {
    expect(scores(most, pod(), [node('node1', cap('4000', '10000')), node('node2', cap('4000', '10000'))])).toEqual([0, 0]);
  });
  it('nothing scheduled, resources requested, differently sized nodes', () => {
    const p = pod({ cpu: '1000', memory: '2000' }, { cpu: '2000', memory: '3000' });
    expect(scores(most, p, [node('node1', cap('4000', '10000')), node('node2', cap('6000', '10000'))])).toEqual([62, 50]);
  });
  it('resources requested, pods scheduled with resources', () => {
    const p = pod({ cpu: '1000', memory: '2000' }, { cpu: '2000', memory: '3000' });
    const n1 = node('node1', cap('10000', '20000'), pod({ cpu: '3000', memory: '0' }));
    const n2 = node('node2', cap('10000', '20000'), pod({ cpu: '3000', memory: '5000' }));
    expect(scores(most, p, [n1, n2])).toEqual([42, 55]);
  });
  it('requested resources at node capacity', () => {
    const n1 = node('node1', cap('4000', '10000'), pod({ cpu: '3000', memory: '0' }));
    expect(scores(most, pod({ cpu: '3000', memory: '5000' }), [n1])).toEqual([75]);
  });
});

// kube's TestRequestedToCapacityRatioScoringStrategy.
describe('RequestedToCapacityRatio', () => {
  const shape = [
    { utilization: 0, score: 10 },
    { utilization: 100, score: 0 },
  ];
  const rtc: ScoringStrategy = { type: 'RequestedToCapacityRatio', resources: defaults, requestedToCapacityRatio: { shape } };
  it('least-requested shape: 25% cpu and 20% memory used score (75 + 80) / 2, rounded', () => {
    expect(scores(rtc, pod({ cpu: '1000', memory: '2000' }), [node('node1', cap('4000', '10000')), node('node2', cap('4000', '10000'))])).toEqual([78, 78]);
  });
  it('nothing scheduled, resources requested with bin packing (most requested nodes have priority)', () => {
    const bin: ScoringStrategy = { ...rtc, requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } };
    expect(scores(bin, pod({ cpu: '1000', memory: '2000' }), [node('node1', cap('4000', '10000')), node('node2', cap('6000', '10000'))])).toEqual([23, 18]);
  });
});
