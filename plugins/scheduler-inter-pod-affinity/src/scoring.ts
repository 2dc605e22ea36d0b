import type { Labels, Node, Pod } from '@keelson/api';
import type { NodeInfoLister } from '@keelson/scheduler';
import { type AffinityTerm, type NamespaceLister, mergeTermNamespaces, podTerms, termMatches, type WeightedAffinityTerm } from './terms.js';

/** topologyKey → topology value → score (kube's scoreMap). */
export type TopologyScore = Map<string, Map<string, number>>;

export interface PreScoreState {
  topologyScore: TopologyScore;
}

function processTerm(m: TopologyScore, t: AffinityTerm, weight: number, pod: Pod, nsLabels: Labels | undefined, node: Node, multiplier: number): void {
  if (!termMatches(t, pod, nsLabels)) return;
  const v = node.metadata.labels?.[t.topologyKey];
  if (v === undefined) return;
  let byValue = m.get(t.topologyKey);
  if (!byValue) m.set(t.topologyKey, (byValue = new Map()));
  byValue.set(v, (byValue.get(v) ?? 0) + weight * multiplier);
}

function processTerms(m: TopologyScore, terms: readonly WeightedAffinityTerm[], pod: Pod, nsLabels: Labels | undefined, node: Node, multiplier: number): void {
  for (const t of terms) processTerm(m, t, t.weight, pod, nsLabels, node, multiplier);
}

export interface ScoringArgs {
  hardPodAffinityWeight: number;
  ignorePreferredTermsOfExistingPods: boolean;
}

/**
 * kube's InterPodAffinity PreScore: the incoming pod's preferred terms against existing pods, and
 * existing pods' required (× hardPodAffinityWeight) and preferred terms against the incoming pod,
 * summed per topology pair. undefined: nothing to score (Skip).
 */
export function computePreScoreState(pod: Pod, lister: NodeInfoLister, nsLister: NamespaceLister | undefined, args: ScoringArgs): PreScoreState | undefined {
  const a = pod.spec?.affinity;
  const hasConstraints = !!a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length || !!a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length;
  if (args.ignorePreferredTermsOfExistingPods && !hasConstraints) return undefined;
  // Without preferred terms of its own, only nodes with pods whose terms score matter (kube: HavePodsWithAffinityList).
  const groups = lister.podGroups?.();
  const nodes = hasConstraints ? lister.list() : groups ? [...groups.nodesWithScoringTerms].map((n) => lister.get(n)!).filter(Boolean) : lister.havePodsWithAffinityList();
  const terms = podTerms(pod);
  const preferredAffinity = terms.preferredAffinity.map((t) => mergeTermNamespaces(t, nsLister));
  const preferredAntiAffinity = terms.preferredAntiAffinity.map((t) => mergeTermNamespaces(t, nsLister));
  const nsLabels = nsLister?.labels(pod.metadata.namespace ?? 'default');
  const topologyScore: TopologyScore = new Map();
  for (const ni of nodes) {
    const node = ni.node();
    // (kube skips nodes without labels: no topology key could match there anyway)
    if (!node) continue;
    for (const existing of hasConstraints ? ni.pods : ni.podsWithAffinity) {
      const ex = existing.pod;
      processTerms(topologyScore, preferredAffinity, ex, undefined, node, 1);
      processTerms(topologyScore, preferredAntiAffinity, ex, undefined, node, -1);
      // Only existing pods' required affinity and preferred terms score (required anti-affinity does not).
      const ea = ex.spec?.affinity;
      if (!ea?.podAffinity && !ea?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length) continue;
      const et = podTerms(ex);
      if (args.hardPodAffinityWeight > 0) for (const t of et.requiredAffinity) processTerm(topologyScore, t, args.hardPodAffinityWeight, pod, nsLabels, node, 1);
      processTerms(topologyScore, et.preferredAffinity, pod, nsLabels, node, 1);
      processTerms(topologyScore, et.preferredAntiAffinity, pod, nsLabels, node, -1);
    }
  }
  if (topologyScore.size === 0) return undefined;
  return { topologyScore };
}

/** kube's Score: the sum over the node's topology pairs. */
export function scoreNode(s: PreScoreState, node: Node): number {
  let score = 0;
  const labels = node.metadata.labels;
  if (!labels) return 0;
  for (const [key, byValue] of s.topologyScore) {
    const v = labels[key];
    if (v !== undefined) score += byValue.get(v) ?? 0;
  }
  return score;
}

/** kube's NormalizeScore: min..max scaled to 0..100. */
export function normalize(s: PreScoreState | undefined, scores: { score: number }[]): void {
  if (!s || s.topologyScore.size === 0) return;
  let min = Infinity;
  let max = -Infinity;
  for (const x of scores) {
    if (x.score > max) max = x.score;
    if (x.score < min) min = x.score;
  }
  const diff = max - min;
  for (const x of scores) x.score = diff > 0 ? Math.trunc(100 * ((x.score - min) / diff)) : 0;
}
