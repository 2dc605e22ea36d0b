import type { Node, Pod } from '@keelson/api';
import { podRequests, Resource } from './resource.js';
import { newPodInfo, type PodInfo } from './types.js';

/** Host ports in use on a node: ip → "protocol/port" (kube's HostPortInfo). */
export class HostPortInfo {
  private readonly byIP = new Map<string, Set<string>>();

  add(ip: string | undefined, protocol: string | undefined, port: number): void {
    if (!port) return;
    const key = `${protocol || 'TCP'}/${port}`;
    const addr = ip || '0.0.0.0';
    let set = this.byIP.get(addr);
    if (!set) this.byIP.set(addr, (set = new Set()));
    set.add(key);
  }

  remove(ip: string | undefined, protocol: string | undefined, port: number): void {
    if (!port) return;
    const addr = ip || '0.0.0.0';
    const set = this.byIP.get(addr);
    set?.delete(`${protocol || 'TCP'}/${port}`);
    if (set && set.size === 0) this.byIP.delete(addr);
  }

  /** 0.0.0.0 conflicts with every address; any other address with itself and 0.0.0.0. */
  checkConflict(ip: string | undefined, protocol: string | undefined, port: number): boolean {
    if (!port) return false;
    const key = `${protocol || 'TCP'}/${port}`;
    const addr = ip || '0.0.0.0';
    if (addr === '0.0.0.0') {
      for (const set of this.byIP.values()) if (set.has(key)) return true;
      return false;
    }
    return !!this.byIP.get(addr)?.has(key) || !!this.byIP.get('0.0.0.0')?.has(key);
  }

  size(): number {
    let n = 0;
    for (const s of this.byIP.values()) n += s.size;
    return n;
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, set] of this.byIP) c.byIP.set(ip, new Set(set));
    return c;
  }
}

/** An image on a node and on how many nodes of the cluster it is (kube's ImageStateSummary). */
export interface ImageStateSummary {
  size: number;
  numNodes: number;
}

let generationCounter = 0;
/** A process-wide, always increasing generation (the cache's snapshot compares them). */
export function nextGeneration(): number {
  return ++generationCounter;
}

function podPorts(pod: Pod): { ip?: string; protocol?: string; port: number }[] {
  const out = [];
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.hostPort) out.push({ ip: p.hostIP, protocol: p.protocol, port: p.hostPort });
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    for (const p of c.ports ?? []) if (p.hostPort) out.push({ ip: p.hostIP, protocol: p.protocol, port: p.hostPort });
  }
  return out;
}

/**
 * Everything the scheduler knows about one node: the Node, the pods on it (bound or assumed) and
 * what they add up to (kube's NodeInfo).
 */
export class NodeInfo {
  private nodeObj: Node | undefined;
  private name = '';
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  /** Sum of the pods' requests. */
  requested = new Resource();
  /** Sum of the pods' requests with kube's defaults for containers that request no cpu/memory (for spreading). */
  nonZeroRequested = new Resource();
  allocatable = new Resource();
  imageStates = new Map<string, ImageStateSummary>();
  /** Bumped on every change. */
  generation = nextGeneration();

  constructor(...pods: Pod[]) {
    for (const p of pods) this.addPod(p);
  }

  node(): Node | undefined {
    return this.nodeObj;
  }

  nodeName(): string {
    return this.name;
  }

  setNode(node: Node): void {
    this.nodeObj = node;
    this.name = node.metadata.name ?? '';
    this.allocatable = Resource.fromList(node.status?.allocatable);
    this.generation = nextGeneration();
  }

  removeNode(): void {
    this.nodeObj = undefined;
    this.name = '';
    this.generation = nextGeneration();
  }

  addPod(pod: Pod): void {
    this.addPodInfo(newPodInfo(pod));
  }

  addPodInfo(pi: PodInfo): void {
    this.pods.push(pi);
    if (pi.hasAffinity) this.podsWithAffinity.push(pi);
    if (pi.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.push(pi);
    this.update(pi.pod, 1);
  }

  /** Removes a pod by uid; false if it was not there. */
  removePod(pod: Pod): boolean {
    const uid = pod.metadata.uid;
    const pods = this.pods;
    let i = pods.length - 1;
    while (i >= 0 && pods[i]!.pod.metadata.uid !== uid) i--;
    if (i < 0) return false;
    const pi = pods[i]!;
    // kube's removal: the last pod takes its place (the order of a node's pods means nothing).
    pods[i] = pods[pods.length - 1]!;
    pods.pop();
    if (pi.hasAffinity) this.podsWithAffinity = this.podsWithAffinity.filter((p) => p.pod.metadata.uid !== uid);
    if (pi.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p.pod.metadata.uid !== uid);
    this.update(pi.pod, -1);
    return true;
  }

  private update(pod: Pod, sign: 1 | -1): void {
    this.requested.plus(podRequests(pod), sign);
    const nz = podRequests(pod, { nonMissing: true });
    this.nonZeroRequested.milliCPU += sign * nz.milliCPU;
    this.nonZeroRequested.memory += sign * nz.memory;
    for (const p of podPorts(pod)) {
      if (sign > 0) this.usedPorts.add(p.ip, p.protocol, p.port);
      else this.usedPorts.remove(p.ip, p.protocol, p.port);
    }
    this.generation = nextGeneration();
  }

  /** A copy that shares the (immutable) Node and pods but not the lists and sums. */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.nodeObj = this.nodeObj;
    c.name = this.name;
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.usedPorts = this.usedPorts.clone();
    c.requested = this.requested.clone();
    c.nonZeroRequested = this.nonZeroRequested.clone();
    c.allocatable = this.allocatable.clone();
    c.imageStates = new Map(this.imageStates);
    c.generation = this.generation;
    return c;
  }
}
