import type { Labels, Node, Pod } from '@keelson/api';
import { type AntiAffinityTermGroup, type NodeInfo, type PodGroupIndex, type StateData, TopologyCounts } from '@keelson/scheduler';
import { type AffinityTerm, compileTerm, type NamespaceLister, mergeTermNamespaces, podMatchesAllAffinityTerms, podTerms, termMatches } from './terms.js';

/** kube's ErrReasonAffinityRulesNotMatch. */
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
/** kube's ErrReasonAntiAffinityRulesNotMatch. */
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
/** kube's ErrReasonExistingAntiAffinityRulesNotMatch. */
export const ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

/**
 * Counts per topology pair as kube's topologyToMatchedTermCount: the sum of shared, read-only
 * counts of the snapshot's pod groups (views, each times a multiplicity) and of this cycle's own
 * changes (preemption's AddPod/RemovePod, or everything when the lister has no pod groups).
 */
export class PairCounts {
  constructor(
    readonly views: { counts: TopologyCounts; mult: number }[] = [],
    readonly own = new TopologyCounts(),
  ) {}

  get(key: string, value: string): number {
    let n = this.own.get(key, value);
    for (const v of this.views) n += v.mult * v.counts.get(key, value);
    return n;
  }

  /** No pair has a count (kube: len(map) == 0). */
  empty(): boolean {
    let total = this.own.total;
    for (const v of this.views) total += v.mult * v.counts.total;
    return total === 0;
  }

  /** Every topology key with a count somewhere. */
  keys(): Set<string> {
    const keys = new Set(this.own.byKey.keys());
    for (const v of this.views) for (const k of v.counts.byKey.keys()) keys.add(k);
    return keys;
  }

  clone(): PairCounts {
    return new PairCounts(this.views, this.own.clone());
  }
}

/**
 * What PreFilter computes once per cycle (kube's preFilterState): per topology pair, how many
 * existing pods' required anti-affinity terms match the incoming pod, and how many existing pods
 * match the incoming pod's required affinity / anti-affinity terms.
 */
export class PreFilterState implements StateData {
  constructor(
    readonly pod: Pod,
    readonly requiredAffinity: AffinityTerm[],
    readonly requiredAntiAffinity: AffinityTerm[],
    readonly namespaceLabels: Labels | undefined,
    public existingAntiAffinityCounts = new PairCounts(),
    public affinityCounts = new PairCounts(),
    public antiAffinityCounts = new PairCounts(),
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(this.pod, this.requiredAffinity, this.requiredAntiAffinity, this.namespaceLabels, this.existingAntiAffinityCounts.clone(), this.affinityCounts.clone(), this.antiAffinityCounts.clone());
  }

  /** kube's updateWithPod: an existing pod added (1) or removed (-1) on a node. */
  updateWithPod(existing: Pod, node: Node, multiplier: 1 | -1): void {
    updateWithAntiAffinityTerms(this.existingAntiAffinityCounts.own, this.pod, this.namespaceLabels, node, podTerms(existing).requiredAntiAffinity, multiplier);
    updateWithAffinityTerms(this.affinityCounts.own, existing, node, this.requiredAffinity, multiplier);
    updateWithAntiAffinityTerms(this.antiAffinityCounts.own, existing, undefined, node, this.requiredAntiAffinity, multiplier);
  }
}

function updateWithAffinityTerms(m: TopologyCounts, pod: Pod, node: Node, terms: readonly AffinityTerm[], delta: number): void {
  if (!podMatchesAllAffinityTerms(terms, pod)) return;
  const labels = node.metadata.labels;
  if (!labels) return;
  for (const t of terms) {
    const v = labels[t.topologyKey];
    if (v !== undefined) m.add(t.topologyKey, v, delta);
  }
}

function updateWithAntiAffinityTerms(m: TopologyCounts, pod: Pod, nsLabels: Labels | undefined, node: Node, terms: readonly AffinityTerm[], delta: number): void {
  const labels = node.metadata.labels;
  if (!labels) return;
  for (const t of terms) {
    if (!termMatches(t, pod, nsLabels)) continue;
    const v = labels[t.topologyKey];
    if (v !== undefined) m.add(t.topologyKey, v, delta);
  }
}

const compiledAntiGroups = new WeakMap<AntiAffinityTermGroup, AffinityTerm>();

/** Views per topology key with multiplicity: a group matching n terms of one key counts n times (kube's single pair map). */
function addView(views: { counts: TopologyCounts; mult: number }[], counts: TopologyCounts): void {
  const v = views.find((x) => x.counts === counts);
  if (v) v.mult++;
  else views.push({ counts, mult: 1 });
}

/** kube's PreFilter computation (without the Skip decision), from the snapshot's pod groups when it has them. */
export function computePreFilterState(
  pod: Pod,
  allNodes: readonly NodeInfo[],
  nodesWithRequiredAntiAffinityPods: readonly NodeInfo[],
  nsLister: NamespaceLister | undefined,
  groups?: PodGroupIndex,
): PreFilterState {
  const terms = podTerms(pod);
  const requiredAffinity = terms.requiredAffinity.map((t) => mergeTermNamespaces(t, nsLister));
  const requiredAntiAffinity = terms.requiredAntiAffinity.map((t) => mergeTermNamespaces(t, nsLister));
  const nsLabels = nsLister?.labels(pod.metadata.namespace ?? 'default');
  const s = new PreFilterState(pod, requiredAffinity, requiredAntiAffinity, nsLabels);
  if (groups) {
    for (const a of groups.antiTerms.values()) {
      let t = compiledAntiGroups.get(a);
      if (!t) compiledAntiGroups.set(a, (t = compileTerm(a.sample, a.term)));
      if (termMatches(t, pod, nsLabels)) addView(s.existingAntiAffinityCounts.views, a.counts);
    }
    if (requiredAffinity.length || requiredAntiAffinity.length) {
      for (const g of groups.groups.values()) {
        if (requiredAffinity.length && podMatchesAllAffinityTerms(requiredAffinity, g.sample)) {
          for (const t of requiredAffinity) addView(s.affinityCounts.views, groups.topologyCounts(g, t.topologyKey));
        }
        for (const t of requiredAntiAffinity) if (termMatches(t, g.sample, undefined)) addView(s.antiAffinityCounts.views, groups.topologyCounts(g, t.topologyKey));
      }
    }
    return s;
  }
  // Without pod groups: every existing pod, as kube does.
  for (const ni of nodesWithRequiredAntiAffinityPods) {
    const node = ni.node();
    if (!node) continue;
    for (const pi of ni.podsWithRequiredAntiAffinity) updateWithAntiAffinityTerms(s.existingAntiAffinityCounts.own, pod, nsLabels, node, podTerms(pi.pod).requiredAntiAffinity, 1);
  }
  if (requiredAffinity.length || requiredAntiAffinity.length) {
    for (const ni of allNodes) {
      const node = ni.node();
      if (!node?.metadata.labels || ni.pods.length === 0) continue;
      for (const pi of ni.pods) {
        updateWithAffinityTerms(s.affinityCounts.own, pi.pod, node, requiredAffinity, 1);
        updateWithAntiAffinityTerms(s.antiAffinityCounts.own, pi.pod, undefined, node, requiredAntiAffinity, 1);
      }
    }
  }
  return s;
}

/** kube's satisfyExistingPodsAntiAffinity. */
export function satisfyExistingPodsAntiAffinity(s: PreFilterState, node: Node): boolean {
  const c = s.existingAntiAffinityCounts;
  if (c.empty()) return true;
  const labels = node.metadata.labels;
  if (!labels) return true;
  for (const key of c.keys()) {
    const v = labels[key];
    if (v !== undefined && c.get(key, v) > 0) return false;
  }
  return true;
}

/** kube's satisfyPodAntiAffinity. */
export function satisfyPodAntiAffinity(s: PreFilterState, node: Node): boolean {
  const c = s.antiAffinityCounts;
  if (c.empty()) return true;
  const labels = node.metadata.labels ?? {};
  for (const t of s.requiredAntiAffinity) {
    const v = labels[t.topologyKey];
    if (v !== undefined && c.get(t.topologyKey, v) > 0) return false;
  }
  return true;
}

/**
 * kube's satisfyPodAffinity: every term's topology label must be on the node and some pod must
 * match in that domain — unless no pod matches anywhere yet and the pod matches its own terms
 * (the first pod of a group with affinity to itself).
 */
export function satisfyPodAffinity(s: PreFilterState, node: Node): boolean {
  let podsExist = true;
  const labels = node.metadata.labels ?? {};
  for (const t of s.requiredAffinity) {
    const v = labels[t.topologyKey];
    if (v === undefined) return false;
    if (s.affinityCounts.get(t.topologyKey, v) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return s.affinityCounts.empty() && podMatchesAllAffinityTerms(s.requiredAffinity, s.pod);
}
