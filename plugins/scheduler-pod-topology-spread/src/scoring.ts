import type { Pod } from '@keelson/api';
import { type NodeInfo, type NodeScore, type PodGroupIndex, RequiredNodeAffinity } from '@keelson/scheduler';
import { type Constraint, LabelHostname, matchNodeInclusionPolicies, nodeLabelsMatchSpreadConstraints, podCounter } from './common.js';

/** kube's preScoreState. */
export interface PreScoreState {
  constraints: Constraint[];
  /** Nodes missing a topology key: scored 0. */
  ignoredNodes: Set<string>;
  /** Per constraint: topology value → matching pods (hostname constraints are counted in Score). */
  topologyValueToPodCounts: Map<string, number>[];
  topologyNormalizingWeight: number[];
  /** Per constraint: matching pods on a node (used for hostname constraints, from the pod groups when there are some). */
  counters: ((ni: NodeInfo) => number)[];
}

/** kube's topologyNormalizingWeight: log(size + 2). */
export const topologyNormalizingWeight = (size: number) => Math.log(size + 2);
/** kube's scoreForCount. */
export const scoreForCount = (cnt: number, maxSkew: number, tpWeight: number) => cnt * tpWeight + (maxSkew - 1);

/** kube's initPreScoreState and PreScore counting. */
export function calPreScoreState(pod: Pod, constraints: Constraint[], filteredNodes: readonly NodeInfo[], allNodes: readonly NodeInfo[], requireAllTopologies: boolean, groups?: PodGroupIndex): PreScoreState {
  const counters = constraints.map((c) => podCounter(c.selector, pod.metadata.namespace, groups));
  const s: PreScoreState = { constraints, ignoredNodes: new Set(), topologyValueToPodCounts: constraints.map(() => new Map()), topologyNormalizingWeight: [], counters };
  const topoSize = constraints.map(() => 0);
  for (const ni of filteredNodes) {
    const node = ni.node()!;
    if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(node.metadata.labels, constraints)) {
      s.ignoredNodes.add(node.metadata.name!);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === LabelHostname) return;
      const v = node.metadata.labels?.[c.topologyKey] ?? '';
      const m = s.topologyValueToPodCounts[i]!;
      if (!m.has(v)) {
        m.set(v, 0);
        topoSize[i]!++;
      }
    });
  }
  s.topologyNormalizingWeight = constraints.map((c, i) => topologyNormalizingWeight(c.topologyKey === LabelHostname ? filteredNodes.length - s.ignoredNodes.size : topoSize[i]!));
  if (!constraints.some((c) => c.topologyKey !== LabelHostname)) return s;
  const required = new RequiredNodeAffinity(pod);
  for (const ni of allNodes) {
    const node = ni.node();
    if (!node) continue;
    if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(node.metadata.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!matchNodeInclusionPolicies(c, pod, node, required)) return;
      const v = node.metadata.labels?.[c.topologyKey] ?? '';
      const m = s.topologyValueToPodCounts[i]!;
      const cur = m.get(v);
      if (cur === undefined) return;
      m.set(v, cur + counters[i]!(ni));
    });
  }
  return s;
}

/** kube's Score: the sum over constraints of scoreForCount, rounded. */
export function scoreNode(s: PreScoreState, pod: Pod, ni: NodeInfo): number {
  const node = ni.node()!;
  if (s.ignoredNodes.has(node.metadata.name!)) return 0;
  let score = 0;
  s.constraints.forEach((c, i) => {
    const v = node.metadata.labels?.[c.topologyKey];
    if (v === undefined) return;
    const cnt = c.topologyKey === LabelHostname ? s.counters[i]!(ni) : (s.topologyValueToPodCounts[i]!.get(v) ?? 0);
    score += scoreForCount(cnt, c.maxSkew, s.topologyNormalizingWeight[i]!);
  });
  return Math.round(score);
}

/** kube's NormalizeScore: fewer matching pods score higher; ignored nodes 0. */
export function normalize(s: PreScoreState | undefined, scores: NodeScore[]): void {
  if (!s) return;
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  const invalid = new Set<number>();
  scores.forEach((x, i) => {
    if (s.ignoredNodes.has(x.name)) {
      invalid.add(i);
      return;
    }
    if (x.score < min) min = x.score;
    if (x.score > max) max = x.score;
  });
  scores.forEach((x, i) => {
    if (invalid.has(i)) x.score = 0;
    else if (max === 0) x.score = 100;
    else x.score = Math.trunc((100 * (max + min - x.score)) / max);
  });
}
