import type { Pod } from '@keelson/api';
import type { Client } from '@keelson/core';
import { CycleState, type FilterPlugin, makeNode, makePod, NodeInfo, newPodInfo, SchedulingAlgorithm, Status } from '@keelson/scheduler';
import { newTestFramework } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { DefaultPreemption, ErrNoVictims, ErrNotHelpful, pickOneNodeForPreemption } from './preemption.js';

/** A node holds at most `capacity` units (label "units" on the pod, default 1). */
const units = (p: Pod) => Number(p.metadata.labels?.units ?? 1);
const capacityFilter = (capacity: number): FilterPlugin => ({
  name: 'Capacity',
  filter: (_s, pod, ni) => (ni.pods.reduce((n, p) => n + units(p.pod), 0) + units(pod) > capacity ? Status.unschedulable('Insufficient units') : undefined),
});
const pinned: FilterPlugin = { name: 'Pinned', filter: (_s, _p, ni) => (ni.nodeName() === 'n3' ? Status.unresolvable("node(s) didn't match Pod's node affinity/selector") : undefined) };

let seq = 0;
const pod = (priority: number, node?: string, u = 1, start = 0): Pod => {
  const p = makePod(`p${++seq}`, { priority, node, labels: { units: String(u) } });
  p.status = { startTime: new Date(Date.UTC(2025, 0, 1, 0, 0, start)).toISOString() };
  return p;
};

async function setup(nodes: Record<string, Pod[]>, capacity = 2) {
  const infos = Object.entries(nodes).map(([name, pods]) => {
    const ni = new NodeInfo(...pods);
    ni.setNode(makeNode(name));
    return ni;
  });
  const deleted: string[] = [];
  const patched: unknown[] = [];
  const client = {
    delete: async (_k: unknown, name: string) => {
      deleted.push(name);
      return {};
    },
    patch: async (_k: unknown, _n: string, _t: string, body: unknown) => {
      patched.push(body);
      return {};
    },
  } as unknown as Client;
  const { fwk, snapshot } = await newTestFramework(
    [
      { name: 'Capacity', factory: () => capacityFilter(capacity) },
      { name: 'Pinned', factory: () => pinned },
      { name: 'DefaultPreemption', factory: (_a, h) => new DefaultPreemption(h) },
    ],
    { plugins: { multiPoint: { enabled: [{ name: 'Capacity' }, { name: 'Pinned' }, { name: 'DefaultPreemption' }] } } },
    infos,
    { client },
  );
  return { fwk, snapshot, deleted, patched };
}

async function preempt(env: Awaited<ReturnType<typeof setup>>, incoming: Pod) {
  const state = new CycleState();
  let statuses = new Map<string, Status>();
  try {
    new SchedulingAlgorithm().schedulePod(env.fwk, state, incoming, env.snapshot);
    throw new Error('the pod fit');
  } catch (err) {
    statuses = (err as { diagnosis: { nodeToStatus: Map<string, Status> } }).diagnosis.nodeToStatus;
  }
  return env.fwk.runPostFilterPlugins(state, incoming, statuses);
}

// Shapes of kube's TestPostFilter / TestSelectBestCandidate.
describe('DefaultPreemption', () => {
  it('preempts the lowest-priority pods on the node where that suffices and nominates it', async () => {
    const low = pod(1, 'n1');
    const env = await setup({ n1: [low, pod(5, 'n1')], n2: [pod(5, 'n2'), pod(6, 'n2')], n3: [] });
    const out = await preempt(env, pod(10));
    expect(out.status.isSuccess()).toBe(true);
    expect(out.result?.nominatedNodeName).toBe('n1');
    expect(env.deleted).toEqual([low.metadata.name]);
    expect(env.patched).toEqual([{ status: { nominatedNodeName: 'n1' } }]);
  });

  it('reprieves what it can: only as many victims as the pod needs', async () => {
    const a = pod(1, 'n1');
    const b = pod(2, 'n1');
    const env = await setup({ n1: [a, b] }, 2);
    const out = await preempt(env, pod(10, undefined, 1));
    expect(out.result?.nominatedNodeName).toBe('n1');
    // b (more important) is reprieved; a goes.
    expect(env.deleted).toEqual([a.metadata.name]);
  });

  it('no lower-priority pods: kube\'s message, no node nominated', async () => {
    const env = await setup({ n1: [pod(10, 'n1'), pod(10, 'n1')], n2: [pod(20, 'n2'), pod(20, 'n2')], n3: [] });
    const out = await preempt(env, pod(10));
    expect(out.status.code).toBe(2);
    expect(out.status.message()).toBe(`preemption: 0/3 nodes are available: 1 ${ErrNotHelpful}, 2 ${ErrNoVictims}.`);
    expect(env.deleted).toEqual([]);
  });

  it('a pod with preemptionPolicy Never does not preempt', async () => {
    const env = await setup({ n1: [pod(1, 'n1'), pod(1, 'n1')] });
    const p = pod(10);
    p.spec!.preemptionPolicy = 'Never';
    const out = await preempt(env, p);
    expect(out.status.message()).toBe('preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('evicting every lower-priority pod must be enough', async () => {
    const env = await setup({ n1: [pod(1, 'n1'), pod(50, 'n1')] }, 2);
    const out = await preempt(env, pod(10, undefined, 2));
    expect(out.status.message()).toBe('preemption: 0/1 nodes are available: 1 Insufficient units.');
  });

  it('pods nominated to a node keep the room preemption made there from pods of lower or equal priority', async () => {
    const env = await setup({ n1: [pod(1, 'n1')] }, 2);
    env.fwk.nominator.addNominatedPod(newPodInfo(pod(10)), 'n1');
    const n1 = env.snapshot.get('n1')!;
    expect(env.fwk.runFilterPluginsWithNominatedPods(new CycleState(), pod(5), n1)?.reasons).toEqual(['Insufficient units']);
    expect(env.fwk.runFilterPluginsWithNominatedPods(new CycleState(), pod(10), n1)?.reasons).toEqual(['Insufficient units']);
    expect(env.fwk.runFilterPluginsWithNominatedPods(new CycleState(), pod(20), n1)).toBeUndefined();
    expect(env.fwk.runFilterPlugins(new CycleState(), pod(5), n1)).toBeUndefined();
  });

  it('picks the node as kube: lowest highest-priority victim, then lowest sum, then fewest victims, then latest start', () => {
    const v = (prio: number, start = 0) => pod(prio, undefined, 1, start);
    expect(pickOneNodeForPreemption([{ node: 'a', victims: [v(5)] }, { node: 'b', victims: [v(3), v(3)] }]).node).toBe('b');
    expect(pickOneNodeForPreemption([{ node: 'a', victims: [v(3), v(2)] }, { node: 'b', victims: [v(3), v(1)] }]).node).toBe('b');
    expect(pickOneNodeForPreemption([{ node: 'a', victims: [v(3), v(-10)] }, { node: 'b', victims: [v(3)] }]).node).toBe('b');
    expect(pickOneNodeForPreemption([{ node: 'a', victims: [v(3, 10)] }, { node: 'b', victims: [v(3, 20)] }]).node).toBe('b');
  });
});
