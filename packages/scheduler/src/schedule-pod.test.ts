import { describe, expect, it } from 'vitest';
import { CycleState } from './framework/cycle-state.js';
import type { FilterPlugin, ScorePlugin } from './framework/interfaces.js';
import { NodeInfo } from './framework/node-info.js';
import type { SchedulerPluginRegistration } from './framework/registry.js';
import { Status } from './framework/status.js';
import { FitError } from './fit-error.js';
import { SchedulingAlgorithm } from './schedule-pod.js';
import { selectHost } from './select-host.js';
import { makeNode, makePod } from './testing/fixtures.js';
import { newTestFramework } from './testing/framework.js';

const nodeInfos = (...names: string[]) =>
  names.map((n) => {
    const ni = new NodeInfo();
    ni.setNode(makeNode(n));
    return ni;
  });

const filter = (name: string, fn: FilterPlugin['filter']): SchedulerPluginRegistration => ({ name, factory: () => ({ name, filter: fn }) });
const score = (name: string, fn: (node: string) => number, normalize?: ScorePlugin['scoreExtensions']): SchedulerPluginRegistration => ({
  name,
  factory: (): ScorePlugin => ({ name, score: (_s, _p, ni) => fn(ni.nodeName()), scoreExtensions: normalize }),
});

describe('the scheduling cycle', () => {
  it('filters, then scores × weights and picks the best node', async () => {
    const { fwk, snapshot } = await newTestFramework(
      [filter('NoN1', (_s, _p, ni) => (ni.nodeName() === 'n1' ? Status.unschedulable('no n1') : undefined)), score('A', (n) => (n === 'n2' ? 10 : 20)), score('B', (n) => (n === 'n2' ? 50 : 10))],
      { plugins: { multiPoint: { enabled: [{ name: 'NoN1' }, { name: 'A', weight: 1 }, { name: 'B', weight: 3 }] } } },
      nodeInfos('n1', 'n2', 'n3'),
    );
    const algo = new SchedulingAlgorithm();
    const res = algo.schedulePod(fwk, new CycleState(), makePod('p'), snapshot);
    // n2: 10 + 150 = 160, n3: 20 + 30 = 50
    expect(res.suggestedHost).toBe('n2');
    expect(res.scores?.find((s) => s.name === 'n2')).toEqual({ name: 'n2', totalScore: 160, scores: [{ name: 'A', score: 10 }, { name: 'B', score: 150 }] });
    expect(res.evaluatedNodes).toBe(3);
    expect(res.feasibleNodes).toBe(2);
  });

  it('NormalizeScore runs before the weight; out-of-range scores are an error', async () => {
    const normalize = () => ({
      normalizeScore: (_s: CycleState, _p: unknown, scores: { score: number }[]) => {
        for (const s of scores) s.score = s.score / 10;
      },
    });
    const { fwk, snapshot } = await newTestFramework([score('A', (n) => (n === 'n1' ? 1000 : 500), normalize)], { plugins: { score: { enabled: [{ name: 'A', weight: 2 }] } } }, nodeInfos('n1', 'n2'));
    const res = new SchedulingAlgorithm().schedulePod(fwk, new CycleState(), makePod('p'), snapshot);
    expect(res.scores?.map((s) => s.totalScore)).toEqual([200, 100]);
    const bad = await newTestFramework([score('A', () => 101)], { plugins: { score: { enabled: [{ name: 'A' }] } } }, nodeInfos('n1', 'n2'));
    expect(() => new SchedulingAlgorithm().schedulePod(bad.fwk, new CycleState(), makePod('p'), bad.snapshot)).toThrow('plugin "A" returns an invalid score 101, it should in the range of [0, 100] after normalizing');
  });

  it("explains a pod that fits nowhere in kube's words", async () => {
    const taint = filter('TaintToleration', () => Status.unresolvable('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'));
    const affinity = filter('NodeAffinity', (_s, _p, ni) => (ni.nodeName() === 'n1' ? Status.unresolvable("node(s) didn't match Pod's node affinity/selector") : undefined));
    const { fwk, snapshot } = await newTestFramework([affinity, taint], { plugins: { filter: { enabled: [{ name: 'NodeAffinity' }, { name: 'TaintToleration' }] } } }, nodeInfos('n1', 'n2', 'n3'));
    let err: unknown;
    try {
      new SchedulingAlgorithm().schedulePod(fwk, new CycleState(), makePod('p'), snapshot);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FitError);
    expect((err as FitError).message).toBe("0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.");
    (err as FitError).diagnosis.postFilterMsg = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    expect((err as FitError).message).toBe(
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    expect([...(err as FitError).diagnosis.unschedulablePlugins].sort()).toEqual(['NodeAffinity', 'TaintToleration']);
  });

  it('a PreFilter rejection is the whole message; a PreFilterResult narrows the nodes', async () => {
    const reject: SchedulerPluginRegistration = { name: 'R', factory: () => ({ name: 'R', preFilter: () => Status.unresolvable('pod has unbound immediate PersistentVolumeClaims') }) };
    const a = await newTestFramework([reject], { plugins: { preFilter: { enabled: [{ name: 'R' }] } } }, nodeInfos('n1', 'n2'));
    expect(() => new SchedulingAlgorithm().schedulePod(a.fwk, new CycleState(), makePod('p'), a.snapshot)).toThrow('0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
    const narrow: SchedulerPluginRegistration = { name: 'N', factory: () => ({ name: 'N', preFilter: () => ({ result: { nodeNames: new Set(['n2']) } }) }) };
    const b = await newTestFramework([narrow], { plugins: { preFilter: { enabled: [{ name: 'N' }] } } }, nodeInfos('n1', 'n2', 'n3'));
    expect(new SchedulingAlgorithm().schedulePod(b.fwk, new CycleState(), makePod('p'), b.snapshot).suggestedHost).toBe('n2');
  });

  it('stops filtering once enough nodes are feasible and starts the next cycle where it stopped', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `n${i}`);
    const seen: string[] = [];
    const { fwk, snapshot } = await newTestFramework(
      [filter('F', (_s, _p, ni) => void seen.push(ni.nodeName()))],
      { plugins: { filter: { enabled: [{ name: 'F' }] } } },
      nodeInfos(...names),
    );
    const algo = new SchedulingAlgorithm();
    const first = algo.findNodesThatFitPod(fwk, new CycleState(), makePod('p'), snapshot);
    expect(first.feasible).toHaveLength(420);
    expect(algo.nextStartNodeIndex).toBe(420);
    const second = algo.findNodesThatFitPod(fwk, new CycleState(), makePod('q'), snapshot);
    expect(second.feasible[0]!.nodeName()).toBe('n420');
    expect(algo.nextStartNodeIndex).toBe(840);
    const third = algo.findNodesThatFitPod(fwk, new CycleState(), makePod('r'), snapshot);
    expect(third.feasible[0]!.nodeName()).toBe('n840');
    expect(third.feasible[160]!.nodeName()).toBe('n0'); // wraps around
  });

  it('selectHost breaks ties at random (reservoir sampling)', () => {
    const list = ['a', 'b', 'c'].map((name) => ({ name, scores: [], totalScore: 5 }));
    expect(selectHost([...list, { name: 'd', scores: [], totalScore: 1 }], () => 0)).toBe('c');
    expect(selectHost(list, () => 0.99)).toBe('a');
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const h = selectHost(list);
      counts.set(h, (counts.get(h) ?? 0) + 1);
    }
    for (const n of ['a', 'b', 'c']) expect(counts.get(n)).toBeGreaterThan(800);
  });
});
