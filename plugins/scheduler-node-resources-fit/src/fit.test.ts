import type { Pod } from '@keelson/api';
import { CycleState, makeNode, makePod, NodeInfo } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { Fit, type NodeResourcesFitArgs } from './fit.js';

/** kube's st.MakePod().Req(...): one container per request list. */
const pod = (...reqs: Record<string, string>[]) => makePod('p', { requests: reqs.length ? reqs : [] });
const withInit = (p: Pod, ...reqs: Record<string, string>[]) => {
  p.spec!.initContainers = reqs.map((r, i) => ({ name: `init${i}`, image: 'x', resources: { requests: r } }));
  return p;
};
/** kube's fit tests: a node with 10 milli-cpu, 20 bytes of memory, 32 pods, 5 example.com/aaa, 20 ephemeral-storage. */
const nodeInfo = (...existing: Pod[]) => {
  const ni = new NodeInfo(...existing);
  ni.setNode(makeNode('machine1', { capacity: { cpu: '10m', memory: '20', pods: '32', 'example.com/aaa': '5', 'ephemeral-storage': '20' } }));
  return ni;
};

function filter(p: Pod, ni: NodeInfo, args?: NodeResourcesFitArgs) {
  const pl = new Fit(args);
  const state = new CycleState();
  pl.preFilter(state, p);
  return pl.filter(state, p, ni);
}

// kube's TestEnoughRequests (node: 10 milli-cpu, 20 memory).
describe('NodeResourcesFit filter', () => {
  it.each<[string, Pod, Pod[], string[]]>([
    ['no resources requested always fits', pod(), [pod({ cpu: '10m', memory: '20' })], []],
    ['too many resources fails', pod({ cpu: '1m', memory: '1' }), [pod({ cpu: '10m', memory: '20' })], ['Insufficient cpu', 'Insufficient memory']],
    ['too many resources fails due to init container cpu', withInit(pod({ cpu: '1m', memory: '1' }), { cpu: '3m', memory: '1' }), [pod({ cpu: '8m', memory: '19' })], ['Insufficient cpu']],
    ['too many resources fails due to highest init container cpu', withInit(pod({ cpu: '1m', memory: '1' }), { cpu: '3m', memory: '1' }, { cpu: '2m', memory: '1' }), [pod({ cpu: '8m', memory: '19' })], ['Insufficient cpu']],
    ['too many resources fails due to init container memory', withInit(pod({ cpu: '1m', memory: '1' }), { cpu: '1m', memory: '3' }), [pod({ cpu: '9m', memory: '19' })], ['Insufficient memory']],
    ['init container fits because it\'s the max, not sum, of containers and init containers', withInit(pod({ cpu: '1m', memory: '1' }), { cpu: '1m', memory: '1' }), [pod({ cpu: '9m', memory: '19' })], []],
    ['both resources fit', pod({ cpu: '1m', memory: '1' }), [pod({ cpu: '5m', memory: '5' })], []],
    ['one resource memory fits', pod({ cpu: '2m', memory: '1' }), [pod({ cpu: '9m', memory: '5' })], ['Insufficient cpu']],
    ['one resource cpu fits', pod({ cpu: '1m', memory: '2' }), [pod({ cpu: '5m', memory: '19' })], ['Insufficient memory']],
    ['equal edge case', pod({ cpu: '5m', memory: '1' }), [pod({ cpu: '5m', memory: '19' })], []],
    ['extended resource fits', pod({ 'example.com/aaa': '1' }), [pod()], []],
    ['extended resource capacity enforced', pod({ 'example.com/aaa': '10' }), [pod()], ['Insufficient example.com/aaa']],
    ['extended resource allocatable enforced for unknown resource', pod({ 'example.com/bbb': '1' }), [pod()], ['Insufficient example.com/bbb']],
    ['ephemeral storage fits', pod({ 'ephemeral-storage': '10' }), [pod({ 'ephemeral-storage': '5' })], []],
    ['ephemeral storage is enforced', pod({ 'ephemeral-storage': '25' }), [pod({ 'ephemeral-storage': '5' })], ['Insufficient ephemeral-storage']],
  ])('%s', (_name, p, existing, reasons) => {
    const s = filter(p, nodeInfo(...existing));
    if (reasons.length === 0) expect(s).toBeUndefined();
    else expect([s?.code, s?.reasons]).toEqual([2, reasons]);
  });

  it('ignoredResources and ignoredResourceGroups skip extended resources', () => {
    expect(filter(pod({ 'example.com/aaa': '10' }), nodeInfo(), { ignoredResources: ['example.com/aaa'] })).toBeUndefined();
    expect(filter(pod({ 'example.com/aaa': '10' }), nodeInfo(), { ignoredResourceGroups: ['example.com'] })).toBeUndefined();
  });

  it('counts pod overhead', () => {
    const p = pod({ cpu: '1m', memory: '1' });
    p.spec!.overhead = { cpu: '5m', memory: '15' };
    const s = filter(p, nodeInfo(pod({ cpu: '5m', memory: '5' })));
    expect(s?.reasons).toEqual(['Insufficient cpu', 'Insufficient memory']);
  });

  // kube's TestNotEnoughRequests (allowedPodNumber 1).
  it('Too many pods', () => {
    const ni = new NodeInfo(pod());
    ni.setNode(makeNode('machine1', { capacity: { cpu: '10m', memory: '20', pods: '1' } }));
    expect(filter(pod({ cpu: '1m', memory: '1' }), ni)?.reasons).toEqual(['Too many pods']);
  });

  it('rejects invalid weights as kube validates them', () => {
    expect(() => new Fit({ scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'memory', weight: 0 }] } })).toThrow('scoringStrategy.resources[0].weight');
    expect(() => new Fit({ scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 101 }] } })).toThrow('scoringStrategy.resources[0].weight');
  });
});
