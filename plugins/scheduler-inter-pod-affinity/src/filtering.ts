import type { Labels, Node, Pod } from '@keelson/api';
import type { NodeInfo, StateData } from '@keelson/scheduler';
import { type AffinityTerm, type NamespaceLister, mergeTermNamespaces, podMatchesAllAffinityTerms, podTerms, TopologyCounts, termMatches } from './terms.js';

/** kube's ErrReasonAffinityRulesNotMatch. */
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
/** kube's ErrReasonAntiAffinityRulesNotMatch. */
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
/** kube's ErrReasonExistingAntiAffinityRulesNotMatch. */
export const ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";

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
    public existingAntiAffinityCounts = new TopologyCounts(),
    public affinityCounts = new TopologyCounts(),
    public antiAffinityCounts = new TopologyCounts(),
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(this.pod, this.requiredAffinity, this.requiredAntiAffinity, this.namespaceLabels, this.existingAntiAffinityCounts.clone(), this.affinityCounts.clone(), this.antiAffinityCounts.clone());
  }

  /** kube's updateWithPod: an existing pod added (1) or removed (-1) on a node. */
  updateWithPod(existing: Pod, node: Node, multiplier: 1 | -1): void {
    updateWithAntiAffinityTerms(this.existingAntiAffinityCounts, this.pod, this.namespaceLabels, node, podTerms(existing).requiredAntiAffinity, multiplier);
    updateWithAffinityTerms(this.affinityCounts, existing, node, this.requiredAffinity, multiplier);
    updateWithAntiAffinityTerms(this.antiAffinityCounts, existing, undefined, node, this.requiredAntiAffinity, multiplier);
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

/** kube's PreFilter computation (without the Skip decision). */
export function computePreFilterState(pod: Pod, allNodes: readonly NodeInfo[], nodesWithRequiredAntiAffinityPods: readonly NodeInfo[], nsLister: NamespaceLister | undefined): PreFilterState {
  const terms = podTerms(pod);
  const requiredAffinity = terms.requiredAffinity.map((t) => mergeTermNamespaces(t, nsLister));
  const requiredAntiAffinity = terms.requiredAntiAffinity.map((t) => mergeTermNamespaces(t, nsLister));
  const nsLabels = nsLister?.labels(pod.metadata.namespace ?? 'default');
  const s = new PreFilterState(pod, requiredAffinity, requiredAntiAffinity, nsLabels);
  // Existing pods' required anti-affinity terms that match the incoming pod.
  for (const ni of nodesWithRequiredAntiAffinityPods) {
    const node = ni.node();
    if (!node) continue;
    for (const pi of ni.podsWithRequiredAntiAffinity) updateWithAntiAffinityTerms(s.existingAntiAffinityCounts, pod, nsLabels, node, podTerms(pi.pod).requiredAntiAffinity, 1);
  }
  // Existing pods matching the incoming pod's required terms.
  if (requiredAffinity.length || requiredAntiAffinity.length) {
    for (const ni of allNodes) {
      const node = ni.node();
      if (!node?.metadata.labels) continue;
      for (const pi of ni.pods) {
        updateWithAffinityTerms(s.affinityCounts, pi.pod, node, requiredAffinity, 1);
        updateWithAntiAffinityTerms(s.antiAffinityCounts, pi.pod, undefined, node, requiredAntiAffinity, 1);
      }
    }
  }
  return s;
}

/** kube's satisfyExistingPodsAntiAffinity. */
export function satisfyExistingPodsAntiAffinity(s: PreFilterState, node: Node): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  const labels = node.metadata.labels;
  if (!labels) return true;
  for (const [key, values] of s.existingAntiAffinityCounts.byKey) {
    const v = labels[key];
    if (v !== undefined && (values.get(v) ?? 0) > 0) return false;
  }
  return true;
}

/** kube's satisfyPodAntiAffinity. */
export function satisfyPodAntiAffinity(s: PreFilterState, node: Node): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  const labels = node.metadata.labels ?? {};
  for (const t of s.requiredAntiAffinity) {
    const v = labels[t.topologyKey];
    if (v !== undefined && s.antiAffinityCounts.get(t.topologyKey, v) > 0) return false;
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
  return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.requiredAffinity, s.pod);
}

