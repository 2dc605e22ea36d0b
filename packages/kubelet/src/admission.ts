import { type Node, type NodeSelectorRequirement, type NodeSelectorTerm, type Pod, tryParseQuantity } from '@keelson/api';

/**
 * The kubelet's pod admission (lifecycle.PodAdmitHandler, predicateAdmitHandler): a pod bound to
 * this node that does not fit is rejected (phase Failed) with the predicate's reason, as kubelet
 * does: OutOfcpu / OutOfmemory / OutOfpods / OutOfephemeral-storage, NodePorts, NodeAffinity.
 */

export interface AdmitResult {
  admit: boolean;
  reason?: string;
  message?: string;
}

/** The resources a pod asks for, kube's PodRequests: max(sum of containers, each init container) + overhead. */
export function podRequests(pod: Pod): Map<string, number> {
  const sum = new Map<string, number>();
  const read = (name: string, v: string): number => {
    const q = tryParseQuantity(v);
    if (!q) return 0;
    return name === 'cpu' ? q.milliValue() : q.value();
  };
  for (const c of pod.spec?.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.requests ?? {})) sum.set(k, (sum.get(k) ?? 0) + read(k, v));
  }
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.requests ?? {})) sum.set(k, Math.max(sum.get(k) ?? 0, read(k, v)));
  }
  for (const [k, v] of Object.entries(pod.spec?.overhead ?? {})) sum.set(k, (sum.get(k) ?? 0) + read(k, v));
  return sum;
}

function allocatable(node: Node, name: string): number | undefined {
  const v = node.status?.allocatable?.[name];
  const q = v === undefined ? undefined : tryParseQuantity(v);
  if (!q) return undefined;
  return name === 'cpu' ? q.milliValue() : q.value();
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const n = Number(value);
      const bound = Number(r.values?.[0]);
      if (value === undefined || !Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

function termMatches(t: NodeSelectorTerm, node: Node): boolean {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return (
    exprs.every((r) => requirementMatches(r, labels[r.key])) &&
    fields.every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata.name : undefined))
  );
}

/** nodeSelector and required node affinity (component-helpers' GetRequiredNodeAffinity). */
export function nodeAffinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((t) => termMatches(t, node));
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** What the admitted pods of a node use: kept up to date by the agent as pods come and go. */
export class NodeUsage {
  pods = 0;
  readonly requests = new Map<string, number>();
  readonly hostPorts = new Map<string, HostPort[]>();
  private readonly members = new Map<string, { requests: Map<string, number> }>();

  /** Counts a pod in (idempotent per uid). */
  add(pod: Pod): void {
    const uid = pod.metadata.uid!;
    if (this.members.has(uid)) return;
    const requests = podRequests(pod);
    this.members.set(uid, { requests });
    this.pods++;
    for (const [k, v] of requests) this.requests.set(k, (this.requests.get(k) ?? 0) + v);
    const ports = hostPorts(pod);
    if (ports.length) this.hostPorts.set(uid, ports);
  }

  /** Counts a pod out (idempotent per uid). */
  remove(uid: string): void {
    const m = this.members.get(uid);
    if (!m) return;
    this.members.delete(uid);
    this.pods--;
    for (const [k, v] of m.requests) this.requests.set(k, (this.requests.get(k) ?? 0) - v);
    this.hostPorts.delete(uid);
  }

  has(uid: string): boolean {
    return this.members.has(uid);
  }

  static of(pods: readonly Pod[]): NodeUsage {
    const u = new NodeUsage();
    for (const p of pods) u.add(p);
    return u;
  }
}

function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (p.hostPort) out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port: p.hostPort });
    }
  }
  return out;
}

function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return a.ip === b.ip || a.ip === '0.0.0.0' || b.ip === '0.0.0.0';
}

const rejected = (reason: string, message: string): AdmitResult => ({ admit: false, reason, message: `Pod was rejected: ${message}` });

/**
 * Admits `pod` on `node` given what the pods already admitted there use (active ones only: not
 * finished). The checks run in kubelet's order: node affinity, node ports, then resources.
 */
export function admitPod(pod: Pod, node: Node, usage: NodeUsage | readonly Pod[]): AdmitResult {
  const used = usage instanceof NodeUsage ? usage : NodeUsage.of(usage);
  if (!nodeAffinityMatches(pod, node)) {
    return rejected('NodeAffinity', "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector");
  }
  const wanted = hostPorts(pod);
  if (wanted.length) {
    const taken = [...used.hostPorts.values()].flat();
    if (wanted.some((w) => taken.some((u) => portsConflict(w, u)))) {
      return rejected('NodePorts', "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports");
    }
  }
  const maxPods = allocatable(node, 'pods');
  if (maxPods !== undefined && used.pods + 1 > maxPods) {
    return rejected('OutOfpods', `Node didn't have enough resource: pods, requested: 1, used: ${used.pods}, capacity: ${maxPods}`);
  }
  const req = podRequests(pod);
  for (const [name, amount] of req) {
    if (amount <= 0) continue;
    const cap = allocatable(node, name);
    if (cap === undefined) {
      if (name.includes('/')) return rejected(`UnexpectedAdmissionError`, `Allocate failed due to no such resource ${name}`);
      continue;
    }
    const inUse = used.requests.get(name) ?? 0;
    if (inUse + amount > cap) {
      return rejected(`OutOf${name}`, `Node didn't have enough resource: ${name}, requested: ${amount}, used: ${inUse}, capacity: ${cap}`);
    }
  }
  return { admit: true };
}
