import type { Labels, Pod, PodAffinityTerm, Selector, WeightedPodAffinityTerm } from '@keelson/api';
import { labelSelectorAsSelector, nothing } from '@keelson/api';

/** A pod (anti-)affinity term compiled once (kube's framework.AffinityTerm). */
export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  /** undefined: matches no namespace by labels (kube's labels.Nothing()). */
  nsSelector?: Selector;
  selector: Selector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** A pod's compiled terms (kube's PodInfo Required/Preferred(Anti)AffinityTerms). */
export interface PodTerms {
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
}

/**
 * A label selector compiled for matching many pods: validated as metav1.LabelSelectorAsSelector
 * (invalid or absent: matches nothing), matchLabels-only selectors compared key by key.
 */
function compileSelector(sel: PodAffinityTerm['labelSelector'] | undefined): Selector {
  let compiled: Selector;
  try {
    compiled = labelSelectorAsSelector(sel);
  } catch {
    return nothing();
  }
  if (!sel || sel.matchExpressions?.length) return compiled;
  const pairs = Object.entries(sel.matchLabels ?? {});
  if (pairs.length !== 1) return compiled;
  const [k, v] = pairs[0]!;
  return { ...compiled, matches: (labels) => labels !== undefined && labels[k] === v, empty: () => false, requirements: () => compiled.requirements(), toString: () => compiled.toString() };
}

export function compileTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const namespaces = new Set(t.namespaces ?? []);
  // No namespaces and no namespaceSelector: the pod's own namespace.
  if (namespaces.size === 0 && !t.namespaceSelector) namespaces.add(pod.metadata.namespace ?? 'default');
  return {
    namespaces,
    nsSelector: t.namespaceSelector ? compileSelector(t.namespaceSelector) : undefined,
    selector: compileSelector(t.labelSelector),
    topologyKey: t.topologyKey,
  };
}

const cache = new WeakMap<Pod, PodTerms>();

/** The pod's terms, compiled once per pod object (pods in the scheduler cache are not mutated). */
export function podTerms(pod: Pod): PodTerms {
  let t = cache.get(pod);
  if (t) return t;
  const a = pod.spec?.affinity;
  const weighted = (ts: WeightedPodAffinityTerm[] | undefined) => (ts ?? []).map((w) => ({ ...compileTerm(pod, w.podAffinityTerm), weight: w.weight }));
  t = {
    requiredAffinity: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((x) => compileTerm(pod, x)),
    requiredAntiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((x) => compileTerm(pod, x)),
    preferredAffinity: weighted(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
  cache.set(pod, t);
  return t;
}

/** kube's AffinityTerm.Matches: the pod's namespace is selected and its labels match. */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: Labels | undefined): boolean {
  const ns = pod.metadata.namespace ?? 'default';
  if (!t.namespaces.has(ns) && !(t.nsSelector && t.nsSelector.matches(nsLabels))) return false;
  return t.selector.matches(pod.metadata.labels);
}

/** kube's podMatchesAllAffinityTerms (false for no terms). */
export function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, undefined)) return false;
  return true;
}

/** Namespaces by name and by label (the Namespace informer's lister, or a fixed list in tests). */
export interface NamespaceLister {
  labels(name: string): Labels | undefined;
  list(): { name: string; labels?: Labels }[];
}

/**
 * kube's mergeAffinityTermNamespacesIfNotEmpty: the namespaces a non-empty namespaceSelector selects
 * now are added to the term's namespaces, so matching needs no namespace labels.
 */
export function mergeTermNamespaces<T extends AffinityTerm>(t: T, nsLister: NamespaceLister | undefined): T {
  if (!t.nsSelector || t.nsSelector.empty()) return t;
  const namespaces = new Set(t.namespaces);
  for (const ns of nsLister?.list() ?? []) if (t.nsSelector.matches(ns.labels)) namespaces.add(ns.name);
  return { ...t, namespaces, nsSelector: undefined };
}

export { TopologyCounts } from '@keelson/scheduler';
