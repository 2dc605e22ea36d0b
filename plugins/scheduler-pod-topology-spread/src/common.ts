import type { Labels, Node, Pod, Selector, TopologySpreadConstraint } from '@keelson/api';
import { labelSelectorAsSelector, selectorFromSet } from '@keelson/api';
import type { NodeInfo, PodGroupIndex, PodInfo, RequiredNodeAffinity } from '@keelson/scheduler';
import { findMatchingUntoleratedTaint } from '@keelson/scheduler';

export const LabelHostname = 'kubernetes.io/hostname';
export const LabelTopologyZone = 'topology.kubernetes.io/zone';

/** A constraint as the plugin uses it (kube's internal topologySpreadConstraint). */
export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

/** Selectors ANDed (kube's selector.Add / mergeLabelSetWithSelector). */
export function andSelectors(...sels: Selector[]): Selector {
  if (sels.length === 1) return sels[0]!;
  return {
    matches: (l) => sels.every((s) => s.matches(l)),
    empty: () => sels.every((s) => s.empty()),
    requirements: () => sels.flatMap((s) => [...s.requirements()]),
    toString: () => sels.map(String).filter(Boolean).join(','),
  };
}

/**
 * kube's filterTopologySpreadConstraints: the constraints with the given whenUnsatisfiable, with
 * their defaults (minDomains 1, nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore) and the
 * matchLabelKeys values of the pod ANDed into the selector.
 */
export function filterConstraints(constraints: readonly TopologySpreadConstraint[], podLabels: Labels | undefined, action: TopologySpreadConstraint['whenUnsatisfiable']): Constraint[] {
  const out: Constraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = labelSelectorAsSelector(c.labelSelector);
    if (c.matchLabelKeys?.length) {
      const set: Record<string, string> = {};
      for (const k of c.matchLabelKeys) if (podLabels?.[k] !== undefined) set[k] = podLabels[k]!;
      if (Object.keys(set).length) selector = andSelectors(selectorFromSet(set), selector);
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    });
  }
  return out;
}

/** kube's matchNodeInclusionPolicies. */
export function matchNodeInclusionPolicies(c: Constraint, pod: Pod, node: Node, required: RequiredNodeAffinity): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !required.match(node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findMatchingUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) return false;
  return true;
}

/** kube's nodeLabelsMatchSpreadConstraints: the node has every topology key. */
export function nodeLabelsMatchSpreadConstraints(labels: Labels | undefined, constraints: readonly Constraint[]): boolean {
  if (!labels) return constraints.length === 0;
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/** kube's countPodsMatchSelector: non-terminating pods of the namespace whose labels match. */
export function countPodsMatchSelector(pods: readonly PodInfo[], selector: Selector, ns: string | undefined): number {
  let n = 0;
  for (const pi of pods) {
    const p = pi.pod;
    if (p.metadata.deletionTimestamp || p.metadata.namespace !== ns) continue;
    if (selector.matches(p.metadata.labels)) n++;
  }
  return n;
}

/**
 * Per node, how many pods match a selector in a namespace: from the snapshot's pod groups when it
 * has them (the selector is matched once per group of alike pods), else pod by pod.
 */
export function podCounter(selector: Selector, ns: string | undefined, groups: PodGroupIndex | undefined): (ni: NodeInfo) => number {
  if (!groups) return (ni) => countPodsMatchSelector(ni.pods, selector, ns);
  const matching: Map<string, number>[] = [];
  for (const g of groups.groups.values()) if (!g.terminating && g.namespace === ns && selector.matches(g.labels)) matching.push(g.perNode);
  if (matching.length === 0) return () => 0;
  if (matching.length === 1) {
    const m = matching[0]!;
    return (ni) => m.get(ni.nodeName()) ?? 0;
  }
  return (ni) => {
    let n = 0;
    const name = ni.nodeName();
    for (const m of matching) n += m.get(name) ?? 0;
    return n;
  };
}

/** The two topology values with the fewest matching pods (kube's criticalPaths). */
export class CriticalPaths {
  paths: [{ value: string; num: number }, { value: string; num: number }] = [
    { value: '', num: Number.MAX_SAFE_INTEGER },
    { value: '', num: Number.MAX_SAFE_INTEGER },
  ];

  update(value: string, num: number): void {
    const p = this.paths;
    const i = value === p[0].value ? 0 : value === p[1].value ? 1 : -1;
    if (i === 0 || i === 1) {
      p[i].num = num;
      if (p[0].num > p[1].num) this.paths = [p[1], p[0]];
    } else if (num < p[0].num) {
      this.paths = [{ value, num }, p[0]];
    } else if (num < p[1].num) {
      p[1] = { value, num };
    }
  }

  clone(): CriticalPaths {
    const c = new CriticalPaths();
    c.paths = [{ ...this.paths[0] }, { ...this.paths[1] }];
    return c;
  }
}
