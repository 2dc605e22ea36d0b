import { ApiError, type Pod, type PodDisruptionBudget } from '@keelson/api';
import { type Client, FakeClock } from '@keelson/core';
import { CycleState, type FilterPlugin, makeNode, makePod, NodeInfo, newPodInfo, SchedulingAlgorithm, Status } from '@keelson/scheduler';
import { newTestFramework } from '@keelson/scheduler';
import { describe, expect, it } from 'vitest';
import { DefaultPreemption, ErrNoVictims, ErrNotHelpful, pickOneNodeForPreemption, PodReasonPreemptionByScheduler } from './preemption.js';

/** A node holds at most `capacity` units (label "units" on the pod, default 1). */
const units = (p: Pod) => Number(p.metadata.labels?.units ?? 1);
const capacityFilter = (capacity: number): FilterPlugin => ({
  name: 'Capacity',
  filter: (_s, pod, ni) => (ni.pods.reduce((n, p) => n + units(p.pod), 0) + units(pod) > capacity ? Status.unschedulable('Insufficient units') : undefined),
});
const pinned: FilterPlugin = { name: 'Pinned', filter: (_s, _p, ni) => (ni.nodeName() === 'n3' ? Status.unresolvable("node(s) didn't match Pod's node affinity/selector") : undefined) };

let seq = 0;
const pod = (priority: number, node?: string, u = 1, start = 0, labels: Record<string, string> = {}): Pod => {
  const p = makePod(`p${++seq}`, { priority, node, labels: { units: String(u), ...labels } });
  p.status = { startTime: new Date(Date.UTC(2025, 0, 1, 0, 0, start)).toISOString() };
  return p;
};

const budget = (name: string, app: string, disruptionsAllowed: number, disruptedPods?: Record<string, string>): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels: { app } } },
  status: { disruptionsAllowed, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...(disruptedPods ? { disruptedPods } : {}) },
});

async function setup(nodes: Record<string, Pod[]>, capacity = 2, pdbs: PodDisruptionBudget[] = []) {
  const infos = Object.entries(nodes).map(([name, pods]) => {
    const ni = new NodeInfo(...pods);
    ni.setNode(makeNode(name));
    return ni;
  });
  const deleted: string[] = [];
  const patched: unknown[] = [];
  const calls: string[] = [];
  const faults: { conditionPatch?: Error } = {};
  const client = {
    delete: async (_k: unknown, name: string) => {
      deleted.push(name);
      calls.push(`delete ${name}`);
      return {};
    },
    patch: async (_k: unknown, name: string, type: string, body: unknown) => {
      calls.push(`patch ${name} ${type}`);
      if (type === 'strategic' && faults.conditionPatch) throw faults.conditionPatch;
      patched.push(body);
      return {};
    },
  } as unknown as Client;
  const { fwk, snapshot } = await newTestFramework(
    [
      { name: 'Capacity', factory: () => capacityFilter(capacity) },
      { name: 'Pinned', factory: () => pinned },
      { name: 'DefaultPreemption', factory: (_a, h) => new DefaultPreemption(h, { list: async () => pdbs }) },
    ],
    { plugins: { multiPoint: { enabled: [{ name: 'Capacity' }, { name: 'Pinned' }, { name: 'DefaultPreemption' }] } } },
    infos,
    { client, clock: new FakeClock(Date.UTC(2025, 0, 1, 1)) },
  );
  return { fwk, snapshot, deleted, patched, calls, faults };
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
    const incoming = pod(10);
    const incomingName = incoming.metadata.name;
    const out = await preempt(env, incoming);
    expect(out.status.isSuccess()).toBe(true);
    expect(out.result?.nominatedNodeName).toBe('n1');
    expect(env.deleted).toEqual([low.metadata.name]);
    // kube's prepareCandidate: DisruptionTarget on the victim, then its deletion, then the nomination.
    expect(env.calls).toEqual([`patch ${low.metadata.name} strategic`, `delete ${low.metadata.name}`, `patch ${incomingName} merge`]);
    expect(env.patched).toEqual([
      {
        status: {
          conditions: [
            { type: 'DisruptionTarget', status: 'True', reason: PodReasonPreemptionByScheduler, message: 'default-scheduler: preempting to accommodate a higher priority pod', lastTransitionTime: '2025-01-01T01:00:00Z' },
          ],
        },
      },
      { status: { nominatedNodeName: 'n1' } },
    ]);
  });

  it('a victim gone before it could be marked is not deleted; another failure still deletes it', async () => {
    const low = pod(1, 'n1');
    const env = await setup({ n1: [low, pod(5, 'n1')] });
    env.faults.conditionPatch = new ApiError(404, 'NotFound', `pods "${low.metadata.name}" not found`);
    expect((await preempt(env, pod(10))).result?.nominatedNodeName).toBe('n1');
    expect(env.deleted).toEqual([]);
    env.faults.conditionPatch = new ApiError(500, 'InternalError', 'boom');
    await preempt(env, pod(10));
    expect(env.deleted).toEqual([low.metadata.name]);
  });

  it('a victim already marked DisruptionTarget by preemption is not patched again', async () => {
    const low = pod(1, 'n1');
    low.status!.conditions = [{ type: 'DisruptionTarget', status: 'True', reason: PodReasonPreemptionByScheduler, message: 'default-scheduler: preempting to accommodate a higher priority pod' }];
    const env = await setup({ n1: [low, pod(5, 'n1')] });
    await preempt(env, pod(10));
    expect(env.calls.filter((c) => c.includes('strategic'))).toEqual([]);
    expect(env.deleted).toEqual([low.metadata.name]);
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

// Shapes of kube's TestDryRunPreemption / TestSelectBestCandidate cases with PodDisruptionBudgets.
describe('DefaultPreemption with PodDisruptionBudgets', () => {
  const app = (priority: number, node: string, a: string, start = 0, u = 1) => pod(priority, node, u, start, { app: a });

  async function victimsOn(nodes: Record<string, Pod[]>, capacity: number, incoming: Pod, pdbs: PodDisruptionBudget[]) {
    const env = await setup(nodes, capacity, pdbs);
    const dp = new DefaultPreemption(env.fwk, { list: async () => pdbs });
    const ni = env.snapshot.get(Object.keys(nodes)[0]!)!.clone();
    return dp.selectVictimsOnNode(new CycleState(), incoming, ni, pdbs);
  }
  const names = (out: Awaited<ReturnType<typeof victimsOn>>) => {
    if (!('victims' in out)) throw new Error(`no victims: ${out.reasons.join(', ')}`);
    return { victims: out.victims.map((v) => v.metadata.name), violations: out.numPDBViolations };
  };

  it('preemption with violation of same pdb: both victims, one violation', async () => {
    const a = app(5, 'n1', 'foo', 0);
    const b = app(5, 'n1', 'foo', 1);
    const out = await victimsOn({ n1: [a, b] }, 2, pod(10, undefined, 2), [budget('foo', 'foo', 1)]);
    expect(names(out)).toEqual({ victims: [a.metadata.name, b.metadata.name], violations: 1 });
  });

  it('disruptedPods: a pod whose eviction the API server already counted takes nothing from the budget', async () => {
    const a = app(5, 'n1', 'foo', 0);
    const b = app(5, 'n1', 'foo', 1);
    const incoming = () => pod(10, undefined, 2);
    // The victim is not in disruptedPods: still one violation.
    expect(names(await victimsOn({ n1: [a, b] }, 2, incoming(), [budget('foo', 'foo', 1, { other: '2025-01-01T00:00:00Z' })])).violations).toBe(1);
    // It is: no violation.
    expect(names(await victimsOn({ n1: [a, b] }, 2, incoming(), [budget('foo', 'foo', 1, { [b.metadata.name!]: '2025-01-01T00:00:00Z' })])).violations).toBe(0);
    // It is, but nothing is left to disrupt: the other one violates.
    expect(names(await victimsOn({ n1: [a, b] }, 2, incoming(), [budget('foo', 'foo', 0, { [b.metadata.name!]: '2025-01-01T00:00:00Z' })])).violations).toBe(1);
    // Several victims in disruptedPods, none allowed: only the remaining one violates.
    const c = app(5, 'n1', 'foo', 2);
    const disrupted = { [a.metadata.name!]: '2025-01-01T00:00:00Z', [b.metadata.name!]: '2025-01-01T00:00:00Z' };
    expect(names(await victimsOn({ n1: [a, b, c] }, 3, pod(10, undefined, 3), [budget('foo', 'foo', 0, disrupted)]))).toEqual({ victims: [a, b, c].map((p) => p.metadata.name), violations: 1 });
  });

  it('violating pods are reprieved first: the unprotected pod goes even though it is more important', async () => {
    const protectedLow = app(1, 'n1', 'web');
    const other = pod(2, 'n1');
    expect(names(await victimsOn({ n1: [protectedLow, other] }, 2, pod(10), []))).toEqual({ victims: [protectedLow.metadata.name], violations: 0 });
    expect(names(await victimsOn({ n1: [protectedLow, other] }, 2, pod(10), [budget('web', 'web', 0)]))).toEqual({ victims: [other.metadata.name], violations: 0 });
  });

  it('victims stay ordered most important first after the two reprieve passes', async () => {
    const a = app(1, 'n1', 'web');
    const b = pod(2, 'n1');
    const c = pod(3, 'n1');
    const out = await victimsOn({ n1: [a, b, c] }, 3, pod(10, undefined, 3), [budget('web', 'web', 0)]);
    expect(names(out)).toEqual({ victims: [c, b, a].map((p) => p.metadata.name), violations: 1 });
  });

  it('budgets of other namespaces, empty selectors and pods without labels never count', async () => {
    const a = pod(1, 'n1');
    delete a.metadata.labels;
    const b = app(1, 'n1', 'web');
    const elsewhere = { ...budget('web', 'web', 0), metadata: { name: 'web', namespace: 'other' } };
    const empty = { ...budget('all', 'x', 0), spec: { selector: {} } };
    const out = await victimsOn({ n1: [a, b] }, 2, pod(10, undefined, 2), [elsewhere, empty]);
    expect(names(out)).toMatchObject({ violations: 0 });
  });

  it('postFilter prefers the node whose victims violate no budget, and still preempts when every node would', async () => {
    const protectedLow = app(1, 'n1', 'web');
    const unprotected = pod(5, 'n2');
    const plain = await setup({ n1: [protectedLow], n2: [unprotected] }, 1);
    expect((await preempt(plain, pod(10))).result?.nominatedNodeName).toBe('n1');
    const guarded = await setup({ n1: [protectedLow], n2: [unprotected] }, 1, [budget('web', 'web', 0)]);
    expect((await preempt(guarded, pod(10))).result?.nominatedNodeName).toBe('n2');
    expect(guarded.deleted).toEqual([unprotected.metadata.name]);
    // A budget is not a hard limit: with every candidate violating one, the usual criteria decide.
    const both = await setup({ n1: [protectedLow], n2: [app(5, 'n2', 'web')] }, 1, [budget('web', 'web', 0)]);
    expect((await preempt(both, pod(10))).result?.nominatedNodeName).toBe('n1');
  });

  it('pickOneNodeForPreemption counts budget violations before priorities', () => {
    const v = (prio: number) => pod(prio);
    expect(pickOneNodeForPreemption([{ node: 'a', victims: [v(1)], numPDBViolations: 1 }, { node: 'b', victims: [v(5), v(5)], numPDBViolations: 0 }]).node).toBe('b');
    expect(pickOneNodeForPreemption([{ node: 'a', victims: [v(1)], numPDBViolations: 2 }, { node: 'b', victims: [v(5)], numPDBViolations: 1 }]).node).toBe('b');
    expect(pickOneNodeForPreemption([{ node: 'a', victims: [v(3)], numPDBViolations: 1 }, { node: 'b', victims: [v(5)], numPDBViolations: 1 }]).node).toBe('a');
  });
});
