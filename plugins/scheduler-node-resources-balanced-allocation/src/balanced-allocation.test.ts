import type { Pod } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { BalancedAllocation, type BalancedAllocationArgs } from './balanced-allocation.js';

const cpuOnly = () => makePod('cpu-only', { requests: [{ cpu: '1000m', memory: '0' }, { cpu: '2000m', memory: '0' }] });
const cpuAndMemory = () => makePod('cpu-mem', { requests: [{ cpu: '1000m', memory: '2000' }, { cpu: '2000m', memory: '3000' }] });
const noResources = () => makePod('none', { requests: [{}] });

function scores(p: Pod, nodes: [string, Record<string, string>, Pod[]][], args?: BalancedAllocationArgs): Record<string, number> {
  const pl = new BalancedAllocation(args);
  const state = new CycleState();
  pl.preScore(state, p);
  return Object.fromEntries(
    nodes.map(([name, capacity, existing]) => {
      const ni = new NodeInfo(...existing);
      ni.setNode(makeNode(name, { capacity }));
      return [name, pl.score(state, p, ni) as number];
    }),
  );
}

// kube's TestNodeResourcesBalancedAllocation.
describe('NodeResourcesBalancedAllocation', () => {
  it('nothing scheduled, nothing requested', () => {
    expect(scores(noResources(), [['node1', { cpu: '4000m', memory: '10000' }, []], ['node2', { cpu: '4000m', memory: '10000' }, []]])).toEqual({ node1: 100, node2: 100 });
  });
  it('nothing scheduled, resources requested, differently sized nodes', () => {
    // node1: cpu 3000/4000 = 0.75, memory 5000/10000 = 0.5 → std 0.125 → 87; node2: 0.5, 0.5 → 100.
    expect(scores(cpuAndMemory(), [['node1', { cpu: '4000m', memory: '10000' }, []], ['node2', { cpu: '6000m', memory: '10000' }, []]])).toEqual({ node1: 87, node2: 100 });
  });
  it('resources requested, pods scheduled with resources', () => {
    // node1: cpu 6000/10000 = 0.6, memory 5000/20000 = 0.25 → 82; node2: 0.6, 10000/50000 = 0.2 → 80.
    expect(scores(cpuAndMemory(), [['node1', { cpu: '10000m', memory: '20000' }, [cpuOnly()]], ['node2', { cpu: '10000m', memory: '50000' }, [cpuAndMemory()]]])).toEqual({ node1: 82, node2: 80 });
  });
  it('requested resources at node capacity count as 1', () => {
    // cpu 6000/6000 → 1 (capped from the pod's 3000 + 3000), memory 5000/10000 = 0.5 → 75.
    expect(scores(cpuAndMemory(), [['node1', { cpu: '6000m', memory: '10000' }, [cpuOnly()]]])).toEqual({ node1: 75 });
  });
  it('extended resources: three fractions use the standard deviation', () => {
    const p = makePod('gpu', { requests: [{ cpu: '1000m', memory: '2000', 'nvidia.com/gpu': '1' }] });
    // cpu 0.25, memory 0.2, gpu 0.25 → mean 0.2333, std 0.02357 → 97.
    expect(scores(p, [['node1', { cpu: '4000m', memory: '10000', 'nvidia.com/gpu': '4' }, []]], { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'nvidia.com/gpu' }] })).toEqual({ node1: 97 });
    // A pod that does not request the extended resource: only cpu and memory count.
    expect(scores(cpuAndMemory(), [['node1', { cpu: '6000m', memory: '10000', 'nvidia.com/gpu': '4' }, []]], { resources: [{ name: 'cpu' }, { name: 'memory' }, { name: 'nvidia.com/gpu' }] })).toEqual({ node1: 100 });
  });
});
