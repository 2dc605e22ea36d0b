import type { Node, Pod } from '@keelson/api';
import { type NodeInfo, type PodGroupIndex, RequiredNodeAffinity, type StateData } from '@keelson/scheduler';
import { type Constraint, CriticalPaths, matchNodeInclusionPolicies, nodeLabelsMatchSpreadConstraints, podCounter } from './common.js';

/** kube's ErrReasonConstraintsNotMatch. */
export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
/** kube's ErrReasonNodeLabelNotMatch. */
export const ErrReasonNodeLabelNotMatch = `${ErrReasonConstraintsNotMatch} (missing required label)`;

/** kube's preFilterState: per constraint, matching pods per topology value and the two smallest domains. */
export class PreFilterState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    public tpValueToMatchNum: Map<string, number>[] = constraints.map(() => new Map()),
    public criticalPaths: CriticalPaths[] = constraints.map(() => new CriticalPaths()),
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(
      this.constraints,
      this.tpValueToMatchNum.map((m) => new Map(m)),
      this.criticalPaths.map((p) => p.clone()),
    );
  }

  /** kube's minMatchNum: the global minimum, 0 while there are fewer domains than minDomains. */
  minMatchNum(i: number, minDomains: number): number {
    if (this.tpValueToMatchNum[i]!.size < minDomains) return 0;
    return this.criticalPaths[i]!.paths[0].num;
  }

  /** kube's updateWithPod (preemption's AddPod/RemovePod). */
  updateWithPod(updated: Pod, preemptor: Pod, node: Node, delta: number): void {
    if (updated.metadata.namespace !== preemptor.metadata.namespace) return;
    if (!nodeLabelsMatchSpreadConstraints(node.metadata.labels, this.constraints)) return;
    const required = new RequiredNodeAffinity(preemptor);
    this.constraints.forEach((c, i) => {
      if (!c.selector.matches(updated.metadata.labels)) return;
      if (!matchNodeInclusionPolicies(c, preemptor, node, required)) return;
      const v = node.metadata.labels![c.topologyKey]!;
      const m = this.tpValueToMatchNum[i]!;
      const n = (m.get(v) ?? 0) + delta;
      m.set(v, n);
      this.criticalPaths[i]!.update(v, n);
    });
  }
}

/** kube's calPreFilterState over every node of the snapshot. */
export function calPreFilterState(pod: Pod, constraints: Constraint[], allNodes: readonly NodeInfo[], groups?: PodGroupIndex): PreFilterState {
  const s = new PreFilterState(constraints);
  if (constraints.length === 0) return s;
  const required = new RequiredNodeAffinity(pod);
  if (groups && constraints.length === 1 && !required.hasRequirements() && constraints[0]!.nodeTaintsPolicy === 'Ignore') return fromGroups(s, constraints[0]!, pod, groups);
  const counters = constraints.map((c) => podCounter(c.selector, pod.metadata.namespace, groups));
  for (const ni of allNodes) {
    const node = ni.node();
    if (!node || !nodeLabelsMatchSpreadConstraints(node.metadata.labels, constraints)) continue;
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i]!;
      if (!matchNodeInclusionPolicies(c, pod, node, required)) continue;
      const v = node.metadata.labels![c.topologyKey]!;
      const m = s.tpValueToMatchNum[i]!;
      m.set(v, (m.get(v) ?? 0) + counters[i]!(ni));
    }
  }
  for (let i = 0; i < constraints.length; i++) for (const [v, n] of s.tpValueToMatchNum[i]!) s.criticalPaths[i]!.update(v, n);
  return s;
}

/**
 * The same counts from the pod groups' per-domain counts, for one constraint and a pod without
 * node selector or required node affinity and with nodeTaintsPolicy Ignore: every node with the
 * topology key is then eligible.
 */
function fromGroups(s: PreFilterState, c: Constraint, pod: Pod, groups: PodGroupIndex): PreFilterState {
  const m = s.tpValueToMatchNum[0]!;
  for (const v of groups.nodeDomains(c.topologyKey).keys()) m.set(v, 0);
  for (const g of groups.groups.values()) {
    if (g.terminating || g.namespace !== pod.metadata.namespace || !c.selector.matches(g.labels)) continue;
    const counts = groups.topologyCounts(g, c.topologyKey).byKey.get(c.topologyKey);
    for (const [v, n] of counts ?? []) m.set(v, (m.get(v) ?? 0) + n);
  }
  for (const [v, n] of m) s.criticalPaths[0]!.update(v, n);
  return s;
}

/** kube's Filter: 'existing matching num' + 'self-match (1 or 0)' - 'global minimum' <= maxSkew, for every constraint. */
export function filterNode(s: PreFilterState, pod: Pod, node: Node): { code: 2 | 3; reason: string } | undefined {
  const labels = node.metadata.labels ?? {};
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]!;
    const v = labels[c.topologyKey];
    if (v === undefined) return { code: 3, reason: ErrReasonNodeLabelNotMatch };
    const min = s.minMatchNum(i, c.minDomains);
    const self = c.selector.matches(pod.metadata.labels) ? 1 : 0;
    const skew = (s.tpValueToMatchNum[i]!.get(v) ?? 0) + self - min;
    if (skew > c.maxSkew) return { code: 2, reason: ErrReasonConstraintsNotMatch };
  }
  return undefined;
}
