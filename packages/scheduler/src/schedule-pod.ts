import type { Pod } from '@keelson/api';
import type { Snapshot } from './cache/snapshot.js';
import { ErrNoNodesAvailable, FitError, newDiagnosis, type Diagnosis } from './fit-error.js';
import type { CycleState } from './framework/cycle-state.js';
import type { NodeInfo } from './framework/node-info.js';
import type { Framework, NodePluginScores } from './framework/runtime.js';
import { Status } from './framework/status.js';
import { numFeasibleNodesToFind } from './num-nodes.js';
import { selectHost } from './select-host.js';

export interface ScheduleResult {
  suggestedHost: string;
  /** Nodes that were filtered (feasible or not). */
  evaluatedNodes: number;
  feasibleNodes: number;
  /** Per-node scores, when scoring ran. */
  scores?: NodePluginScores[];
}

/** A scheduling failure that is not a FitError (an Error status from a plugin, no nodes, ...). */
export class SchedulingError extends Error {
  override readonly name = 'SchedulingError';
  constructor(readonly status: Status) {
    super(status.message());
  }
}

/**
 * kube's schedulePod for one cycle: PreFilter, Filter over (a percentage of) the nodes starting
 * at a round-robin index, PreScore, Score × weight and selectHost. Keeps the round-robin index.
 */
export class SchedulingAlgorithm {
  /** Where the next cycle starts filtering (kube's nextStartNodeIndex). */
  nextStartNodeIndex = 0;
  /** Global percentageOfNodesToScore (a profile's own value wins). */
  constructor(
    private readonly percentageOfNodesToScore = 0,
    private readonly random: () => number = Math.random,
  ) {}

  schedulePod(fwk: Framework, state: CycleState, pod: Pod, snapshot: Snapshot): ScheduleResult {
    if (snapshot.numNodes() === 0) throw new SchedulingError(new Status(1, [ErrNoNodesAvailable]));
    const { feasible, diagnosis } = this.findNodesThatFitPod(fwk, state, pod, snapshot);
    if (feasible.length === 0) throw new FitError(pod, snapshot.numNodes(), diagnosis);
    const evaluatedNodes = feasible.length + diagnosis.nodeToStatus.size;
    if (feasible.length === 1) return { suggestedHost: feasible[0]!.nodeName(), evaluatedNodes, feasibleNodes: 1 };
    const scores = this.prioritizeNodes(fwk, state, pod, feasible);
    return { suggestedHost: selectHost(scores, this.random), evaluatedNodes, feasibleNodes: feasible.length, scores };
  }

  findNodesThatFitPod(fwk: Framework, state: CycleState, pod: Pod, snapshot: Snapshot): { feasible: NodeInfo[]; diagnosis: Diagnosis } {
    const diagnosis = newDiagnosis();
    const all = snapshot.list();
    const pre = fwk.runPreFilterPlugins(state, pod, all);
    if (pre.status) {
      if (!pre.status.isRejected()) throw new SchedulingError(pre.status);
      // The PreFilter turned the pod down for every node.
      for (const n of all) diagnosis.nodeToStatus.set(n.nodeName(), pre.status);
      if (pre.status.plugin) diagnosis.unschedulablePlugins.add(pre.status.plugin);
      for (const p of pre.pluginsWithNodes) diagnosis.unschedulablePlugins.add(p);
      diagnosis.preFilterMsg = pre.status.message();
      return { feasible: [], diagnosis };
    }
    let nodes = all;
    if (pre.result?.nodeNames) {
      const names = pre.result.nodeNames;
      nodes = all.filter((n) => names.has(n.nodeName()));
      diagnosis.absentNodes = all.length - nodes.length;
      diagnosis.absentNodesStatus = Status.unresolvable('node is filtered out by the prefilter result');
    }
    const feasible = this.findNodesThatPassFilters(fwk, state, pod, diagnosis, nodes);
    return { feasible, diagnosis };
  }

  findNodesThatPassFilters(fwk: Framework, state: CycleState, pod: Pod, diagnosis: Diagnosis, nodes: readonly NodeInfo[]): NodeInfo[] {
    const numAll = nodes.length;
    if (numAll === 0) return [];
    const toFind = numFeasibleNodesToFind(fwk.percentageOfNodesToScore ?? (this.percentageOfNodesToScore || undefined), numAll);
    const start = this.nextStartNodeIndex % numAll;
    const feasible: NodeInfo[] = [];
    if (!fwk.hasFilterPlugins()) {
      for (let i = 0; i < toFind; i++) feasible.push(nodes[(start + i) % numAll]!);
      this.nextStartNodeIndex = (start + toFind) % numAll;
      return feasible;
    }
    let processed = 0;
    for (let i = 0; i < numAll && feasible.length < toFind; i++) {
      const ni = nodes[(start + i) % numAll]!;
      processed++;
      const s = fwk.runFilterPluginsWithNominatedPods(state, pod, ni);
      if (!s) {
        feasible.push(ni);
        continue;
      }
      if (!s.isRejected()) throw new SchedulingError(s);
      diagnosis.nodeToStatus.set(ni.nodeName(), s);
      if (s.plugin) diagnosis.unschedulablePlugins.add(s.plugin);
    }
    this.nextStartNodeIndex = (start + processed) % numAll;
    return feasible;
  }

  /** PreScore and Score; without Score plugins every node scores 1. */
  prioritizeNodes(fwk: Framework, state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): NodePluginScores[] {
    if (!fwk.hasScorePlugins()) return nodes.map((n) => ({ name: n.nodeName(), scores: [], totalScore: 1 }));
    const pre = fwk.runPreScorePlugins(state, pod, nodes);
    if (pre) throw new SchedulingError(pre);
    const { scores, status } = fwk.runScorePlugins(state, pod, nodes);
    if (status) throw new SchedulingError(status);
    return scores;
  }
}
