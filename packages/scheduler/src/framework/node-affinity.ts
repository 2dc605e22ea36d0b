import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from '@keelson/api';
import { isValidLabelValue } from '@keelson/api';

/**
 * Node selectors as kube's component-helpers/scheduling/corev1/nodeaffinity: terms are ORed, the
 * requirements of a term ANDed; a term with no requirements or with an invalid one matches nothing.
 */
type Matcher = (node: Node) => boolean;

function labelRequirement(r: NodeSelectorRequirement): Matcher | undefined {
  const values = r.values ?? [];
  const key = r.key;
  const get = (n: Node) => n.metadata.labels?.[key];
  switch (r.operator) {
    case 'In':
    case 'NotIn': {
      if (values.length === 0 || values.some((v) => isValidLabelValue(v).length > 0)) return undefined;
      const set = new Set(values);
      if (r.operator === 'In') return (n) => set.has(get(n) as string);
      return (n) => {
        const v = get(n);
        return v === undefined || !set.has(v);
      };
    }
    case 'Exists':
      return values.length ? undefined : (n) => get(n) !== undefined;
    case 'DoesNotExist':
      return values.length ? undefined : (n) => get(n) === undefined;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !/^[+-]?\d+$/.test(values[0]!)) return undefined;
      const bound = Number(values[0]);
      const gt = r.operator === 'Gt';
      return (n) => {
        const v = get(n);
        if (v === undefined || !/^[+-]?\d+$/.test(v)) return false;
        return gt ? Number(v) > bound : Number(v) < bound;
      };
    }
    default:
      return undefined;
  }
}

/** matchFields: only metadata.name, In/NotIn with exactly one value. */
function fieldRequirement(r: NodeSelectorRequirement): Matcher | undefined {
  const values = r.values ?? [];
  if (r.key !== 'metadata.name' || values.length !== 1) return undefined;
  const name = values[0];
  if (r.operator === 'In') return (n) => n.metadata.name === name;
  if (r.operator === 'NotIn') return (n) => n.metadata.name !== name;
  return undefined;
}

/** A compiled NodeSelectorTerm; undefined when it can never match (empty or invalid). */
export function compileNodeSelectorTerm(term: NodeSelectorTerm | undefined): Matcher | undefined {
  const exprs = term?.matchExpressions ?? [];
  const fields = term?.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return undefined;
  const ms: Matcher[] = [];
  for (const r of exprs) {
    const m = labelRequirement(r);
    if (!m) return undefined;
    ms.push(m);
  }
  for (const r of fields) {
    const m = fieldRequirement(r);
    if (!m) return undefined;
    ms.push(m);
  }
  if (ms.length === 1) return ms[0];
  return (n) => {
    for (const m of ms) if (!m(n)) return false;
    return true;
  };
}

/** kube's NodeSelector (ORed terms). */
export class NodeSelectorMatcher {
  private readonly terms: Matcher[];
  constructor(selector: NodeSelector) {
    this.terms = [];
    for (const t of selector.nodeSelectorTerms ?? []) {
      const m = compileNodeSelectorTerm(t);
      if (m) this.terms.push(m);
    }
  }
  match(node: Node): boolean {
    for (const t of this.terms) if (t(node)) return true;
    return false;
  }
}

/** The pod's spec.nodeSelector AND its required node affinity terms (kube's RequiredNodeAffinity). */
export class RequiredNodeAffinity {
  private readonly labelSelector: [string, string][] | undefined;
  private readonly affinity: NodeSelectorMatcher | undefined;

  constructor(pod: Pod) {
    const sel = pod.spec?.nodeSelector;
    this.labelSelector = sel ? Object.entries(sel) : undefined;
    const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.affinity = req ? new NodeSelectorMatcher(req) : undefined;
  }

  /** False when the pod has neither nodeSelector nor required node affinity (every node matches). */
  hasRequirements(): boolean {
    return !!this.labelSelector || !!this.affinity;
  }

  match(node: Node): boolean {
    if (this.labelSelector) {
      const labels = node.metadata.labels;
      for (const [k, v] of this.labelSelector) if (labels?.[k] !== v) return false;
    }
    return this.affinity ? this.affinity.match(node) : true;
  }
}

/** Preferred terms: a node's score is the sum of the weights of the terms it matches (kube's PreferredSchedulingTerms). */
export class PreferredSchedulingTerms {
  private readonly terms: { weight: number; match: Matcher }[] = [];
  constructor(terms: readonly PreferredSchedulingTerm[]) {
    for (const t of terms) {
      if (!t.weight) continue;
      const m = compileNodeSelectorTerm(t.preference);
      if (m) this.terms.push({ weight: t.weight, match: m });
    }
  }
  score(node: Node): number {
    let s = 0;
    for (const t of this.terms) if (t.match(node)) s += t.weight;
    return s;
  }
}
