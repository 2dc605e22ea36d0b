import type { Labels, Pod, PodAffinityTerm } from '@keelson/api';
import type { NodeInfo } from '../framework/node-info.js';

/**
 * Counts per topology pair kept up to date as pods come and go: key → value → count (entries at
 * zero are removed, as kube's topologyToMatchedTermCount).
 */
export class TopologyCounts {
  readonly byKey = new Map<string, Map<string, number>>();
  /** Number of (key, value) pairs with a non-zero count. */
  size = 0;
  /** Sum of all counts. */
  total = 0;

  add(key: string, value: string, delta: number): void {
    let m = this.byKey.get(key);
    if (!m) this.byKey.set(key, (m = new Map()));
    const cur = m.get(value);
    const v = (cur ?? 0) + delta;
    this.total += delta;
    if (v === 0) {
      if (cur !== undefined) {
        m.delete(value);
        this.size--;
        if (m.size === 0) this.byKey.delete(key);
      }
      return;
    }
    if (cur === undefined) this.size++;
    m.set(value, v);
  }

  get(key: string, value: string): number {
    return this.byKey.get(key)?.get(value) ?? 0;
  }

  clone(): TopologyCounts {
    const c = new TopologyCounts();
    for (const [k, m] of this.byKey) c.byKey.set(k, new Map(m));
    c.size = this.size;
    c.total = this.total;
    return c;
  }
}

/**
 * Pods that look alike to a selector: same namespace, same labels, both terminating or both not.
 * Plugins match a selector once per group instead of once per pod.
 */
export interface PodGroup {
  readonly namespace: string;
  readonly labels: Labels | undefined;
  readonly terminating: boolean;
  /** A pod of the group (for matching). */
  readonly sample: Pod;
  /** nodeName → pods of the group on it. */
  readonly perNode: Map<string, number>;
  /** Pods of the group in the snapshot. */
  size: number;
  /** Per topology key asked for so far: the group's pods per topology value (kept up to date). */
  readonly topology: Map<string, TopologyCounts>;
}

/** Existing pods' required anti-affinity terms that are alike (same term, same namespace for a term without namespaces). */
export interface AntiAffinityTermGroup {
  readonly term: PodAffinityTerm;
  /** The namespace of the pods (a term without namespaces and namespaceSelector means the pod's own). */
  readonly namespace: string;
  /** A pod carrying the term. */
  readonly sample: Pod;
  /** Pods carrying the term per (term.topologyKey, value of their node). */
  readonly counts: TopologyCounts;
  /** Pods carrying the term (with or without the topology label on their node). */
  holders: number;
}

const groupKeys = new WeakMap<Pod, string>();

function groupKey(pod: Pod): string {
  let k = groupKeys.get(pod);
  if (k !== undefined) return k;
  const labels = pod.metadata.labels ?? {};
  const keys = Object.keys(labels).sort();
  k = `${pod.metadata.namespace ?? ''}\u0000${pod.metadata.deletionTimestamp ? 1 : 0}\u0000${keys.map((x) => `${x}=${labels[x]}`).join('\u0001')}`;
  groupKeys.set(pod, k);
  return k;
}

/**
 * Groups of alike pods and of alike required anti-affinity terms over a snapshot, updated from
 * the NodeInfos that changed since the last sync (the scheduler changes a few per cycle). This is
 * what lets PodTopologySpread and InterPodAffinity count matching pods per domain without
 * visiting every pod of the cluster for every pod they schedule.
 */
export class PodGroupIndex {
  readonly groups = new Map<string, PodGroup>();
  readonly antiTerms = new Map<string, AntiAffinityTermGroup>();
  /**
   * Nodes with pods whose pod affinity (required or preferred) or preferred anti-affinity terms
   * score other pods (InterPodAffinity's PreScore visits only these when the incoming pod has no
   * preferred terms of its own; required anti-affinity alone does not score).
   */
  readonly nodesWithScoringTerms = new Set<string>();
  private readonly indexed = new Map<string, { ni: NodeInfo; generation: number; labels: Labels | undefined; groups: Map<PodGroup, number>; anti: Map<AntiAffinityTermGroup, number> }>();
  private lastGeneration = -1;
  private lastList?: readonly NodeInfo[];
  /** Groups that dropped to no pods during a sync: removed at its end unless pods came back. */
  private readonly emptied = new Set<PodGroup | AntiAffinityTermGroup>();

  /** Brings the index up to the given NodeInfos (the snapshot's list and its generation). */
  sync(list: readonly NodeInfo[], generation: number, get: (name: string) => NodeInfo | undefined): void {
    if (generation > 0 && generation === this.lastGeneration && list.length === this.indexed.size) return;
    const last = this.lastGeneration;
    let newest = last;
    for (let i = 0; i < list.length; i++) {
      const ni = list[i]!;
      // Generations only grow: a NodeInfo not newer than the last sync was indexed (it or an equal clone).
      if (ni.generation <= last) continue;
      if (ni.generation > newest) newest = ni.generation;
      const prev = this.indexed.get(ni.nodeName());
      if (prev && prev.generation === ni.generation && prev.ni.node() === ni.node()) continue;
      this.reindex(ni.nodeName(), ni);
    }
    // The snapshot builds a new list when its node set changes: look for nodes that are gone.
    if (list !== this.lastList || this.indexed.size !== list.length) {
      this.lastList = list;
      for (const name of [...this.indexed.keys()]) if (!get(name)?.node()) this.reindex(name, undefined);
    }
    for (const g of this.emptied) {
      if ('holders' in g) {
        if (g.holders === 0) this.antiTerms.delete(`${g.namespace}\u0000${JSON.stringify(g.term)}`);
      } else if (g.size === 0) this.groups.delete(groupKey(g.sample));
    }
    this.emptied.clear();
    this.lastGeneration = Math.max(newest, generation);
  }

  /** Nodes per value of a topology key (built on first use, then kept up to date). */
  nodeDomains(key: string): Map<string, number> {
    let d = this.domains.get(key);
    if (d) return d;
    d = new Map();
    for (const e of this.indexed.values()) {
      const v = e.labels?.[key];
      if (v !== undefined) d.set(v, (d.get(v) ?? 0) + 1);
    }
    this.domains.set(key, d);
    return d;
  }
  private readonly domains = new Map<string, Map<string, number>>();

  private changeDomains(labels: Labels | undefined, delta: number): void {
    for (const [key, d] of this.domains) {
      const v = labels?.[key];
      if (v === undefined) continue;
      const n = (d.get(v) ?? 0) + delta;
      if (n === 0) d.delete(v);
      else d.set(v, n);
    }
  }

  /** The group's pods per value of a topology key (built on first use, then kept up to date). */
  topologyCounts(g: PodGroup, key: string): TopologyCounts {
    let c = g.topology.get(key);
    if (c) return c;
    c = new TopologyCounts();
    for (const [node, n] of g.perNode) {
      const v = this.indexed.get(node)?.labels?.[key];
      if (v !== undefined) c.add(key, v, n);
    }
    g.topology.set(key, c);
    return c;
  }

  private reindex(name: string, ni: NodeInfo | undefined): void {
    const prev = this.indexed.get(name);
    if (prev) {
      for (const [g, n] of prev.groups) this.change(g, name, prev.labels, -n);
      for (const [a, n] of prev.anti) this.changeAnti(a, prev.labels, -n);
      this.indexed.delete(name);
      this.nodesWithScoringTerms.delete(name);
      this.changeDomains(prev.labels, -1);
    }
    const node = ni?.node();
    if (!ni || !node) return;
    const labels = node.metadata.labels;
    const entry = { ni, generation: ni.generation, labels, groups: new Map<PodGroup, number>(), anti: new Map<AntiAffinityTermGroup, number>() };
    this.indexed.set(name, entry);
    this.changeDomains(labels, 1);
    for (const pi of ni.pods) {
      const g = this.group(pi.pod);
      entry.groups.set(g, (entry.groups.get(g) ?? 0) + 1);
    }
    for (const pi of ni.podsWithAffinity) {
      const a = pi.pod.spec?.affinity;
      if (a?.podAffinity || a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length) this.nodesWithScoringTerms.add(name);
    }
    for (const pi of ni.podsWithRequiredAntiAffinity) {
      for (const t of pi.pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) {
        const a = this.antiGroup(pi.pod, t);
        entry.anti.set(a, (entry.anti.get(a) ?? 0) + 1);
      }
    }
    for (const [g, n] of entry.groups) this.change(g, name, labels, n);
    for (const [a, n] of entry.anti) this.changeAnti(a, labels, n);
  }

  private group(pod: Pod): PodGroup {
    const k = groupKey(pod);
    let g = this.groups.get(k);
    if (!g) {
      g = { namespace: pod.metadata.namespace ?? '', labels: pod.metadata.labels, terminating: !!pod.metadata.deletionTimestamp, sample: pod, perNode: new Map(), size: 0, topology: new Map() };
      this.groups.set(k, g);
    }
    return g;
  }

  private antiGroup(pod: Pod, t: PodAffinityTerm): AntiAffinityTermGroup {
    const ns = pod.metadata.namespace ?? '';
    const k = `${ns}\u0000${JSON.stringify(t)}`;
    let a = this.antiTerms.get(k);
    if (!a) {
      a = { term: t, namespace: ns, sample: pod, counts: new TopologyCounts(), holders: 0 };
      this.antiTerms.set(k, a);
    }
    return a;
  }

  private change(g: PodGroup, node: string, labels: Labels | undefined, delta: number): void {
    const n = (g.perNode.get(node) ?? 0) + delta;
    if (n === 0) g.perNode.delete(node);
    else g.perNode.set(node, n);
    g.size += delta;
    for (const [key, c] of g.topology) {
      const v = labels?.[key];
      if (v !== undefined) c.add(key, v, delta);
    }
    if (g.size === 0) this.emptied.add(g);
  }

  private changeAnti(a: AntiAffinityTermGroup, labels: Labels | undefined, delta: number): void {
    const v = labels?.[a.term.topologyKey];
    if (v !== undefined) a.counts.add(a.term.topologyKey, v, delta);
    a.holders += delta;
    if (a.holders === 0) this.emptied.add(a);
  }
}
