import type { Node, Pod } from '@keelson/api';
import type { Clock, Logger, Ticker } from '@keelson/core';
import { type ImageStateSummary, NodeInfo } from '../framework/node-info.js';
import type { Snapshot } from './snapshot.js';

interface PodState {
  pod: Pod;
  /** When an assumed pod whose binding finished expires (ms). */
  deadline?: number;
  bindingFinished: boolean;
}

export interface CacheOptions {
  clock: Clock;
  /**
   * How long an assumed pod whose binding finished may wait for the informer to confirm it before
   * it is dropped. 0 = never (kube's durationToExpireAssumedPod today).
   */
  assumedPodTtlMs?: number;
  /** How often expired assumed pods are swept (kube: 1 s). */
  cleanupPeriodMs?: number;
  log?: Logger;
}

export class CacheError extends Error {
  override readonly name = 'CacheError';
}

function uidOf(pod: Pod): string {
  const uid = pod.metadata.uid;
  if (!uid) throw new CacheError(`pod ${pod.metadata.namespace}/${pod.metadata.name} has no uid`);
  return uid;
}

function describe(pod: Pod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/**
 * The scheduler's view of bound and assumed pods per node (kube's cache). A pod is assumed on its
 * node as soon as the scheduling cycle picks one, so the next cycle sees the placement before the
 * binding is written; the informer's add confirms it, forget drops it, and an assumed pod whose
 * binding finished but never showed up expires after the TTL.
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private readonly assumed = new Set<string>();
  private readonly images = new Map<string, { size: number; nodes: Set<string> }>();
  private readonly ttl: number;
  private ticker?: Ticker;
  /** Bumped when the set of nodes changes (the snapshot rebuilds its lists). */
  private nodeSetVersion = 0;
  private snapshotNodeSetVersion = -1;

  constructor(private readonly opts: CacheOptions) {
    this.ttl = opts.assumedPodTtlMs ?? 0;
  }

  /** Starts sweeping expired assumed pods on the Clock. */
  run(): void {
    this.ticker ??= this.opts.clock.tick(this.opts.cleanupPeriodMs ?? 1000, () => this.cleanupAssumedPods(this.opts.clock.now()));
  }

  stop(): void {
    this.ticker?.stop();
    this.ticker = undefined;
  }

  // ---- pods ---------------------------------------------------------------------------------

  assumePod(pod: Pod): void {
    const uid = uidOf(pod);
    if (this.podStates.has(uid)) throw new CacheError(`pod ${describe(pod)}(${uid}) is in the cache, so can't be assumed`);
    this.addToNode(pod);
    this.podStates.set(uid, { pod, bindingFinished: false });
    this.assumed.add(uid);
  }

  /** The binding was sent: the assumed pod may now expire. */
  finishBinding(pod: Pod): void {
    const st = this.podStates.get(uidOf(pod));
    if (!st || !this.assumed.has(uidOf(pod))) return;
    st.bindingFinished = true;
    if (this.ttl > 0) st.deadline = this.opts.clock.now() + this.ttl;
  }

  /** Drops an assumed pod (its scheduling or binding failed). */
  forgetPod(pod: Pod): void {
    const uid = uidOf(pod);
    const st = this.podStates.get(uid);
    if (st && st.pod.spec?.nodeName !== pod.spec?.nodeName) {
      throw new CacheError(`pod ${describe(pod)}(${uid}) was assumed on ${pod.spec?.nodeName} but assigned to ${st.pod.spec?.nodeName}`);
    }
    if (!st || !this.assumed.has(uid)) throw new CacheError(`pod ${describe(pod)}(${uid}) wasn't assumed so cannot be forgotten`);
    this.removeFromNode(st.pod);
    this.podStates.delete(uid);
    this.assumed.delete(uid);
  }

  /** An assigned pod seen by the informer: confirms an assumed pod (possibly on another node) or adds it. */
  addPod(pod: Pod): void {
    const uid = uidOf(pod);
    const st = this.podStates.get(uid);
    if (st && this.assumed.has(uid)) {
      this.removeFromNode(st.pod);
      this.addToNode(pod);
      this.assumed.delete(uid);
      this.podStates.set(uid, { pod, bindingFinished: false });
      return;
    }
    if (st) {
      // Already added (e.g. a replayed add): treat as an update.
      this.updatePod(st.pod, pod);
      return;
    }
    this.addToNode(pod);
    this.podStates.set(uid, { pod, bindingFinished: false });
  }

  updatePod(oldPod: Pod, newPod: Pod): void {
    const uid = uidOf(oldPod);
    const st = this.podStates.get(uid);
    if (!st) {
      this.addPod(newPod);
      return;
    }
    if (this.assumed.has(uid)) throw new CacheError(`assumed pod ${describe(oldPod)}(${uid}) should not be updated`);
    this.removeFromNode(st.pod);
    this.addToNode(newPod);
    st.pod = newPod;
  }

  removePod(pod: Pod): void {
    const uid = uidOf(pod);
    const st = this.podStates.get(uid);
    if (!st) return;
    this.removeFromNode(st.pod);
    this.podStates.delete(uid);
    this.assumed.delete(uid);
  }

  isAssumedPod(pod: Pod): boolean {
    return this.assumed.has(uidOf(pod));
  }

  getPod(pod: Pod): Pod | undefined {
    return this.podStates.get(uidOf(pod))?.pod;
  }

  podCount(): number {
    return this.podStates.size;
  }

  assumedPodCount(): number {
    return this.assumed.size;
  }

  /** Drops assumed pods whose binding finished and whose deadline passed. */
  cleanupAssumedPods(now: number): void {
    for (const uid of [...this.assumed]) {
      const st = this.podStates.get(uid)!;
      if (!st.bindingFinished || st.deadline === undefined || now < st.deadline) continue;
      this.opts.log?.warn('assumed pod expired', { pod: describe(st.pod), node: st.pod.spec?.nodeName });
      this.removeFromNode(st.pod);
      this.podStates.delete(uid);
      this.assumed.delete(uid);
    }
  }

  private addToNode(pod: Pod): void {
    const name = pod.spec?.nodeName ?? '';
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo()));
    ni.addPod(pod);
  }

  private removeFromNode(pod: Pod): void {
    const name = pod.spec?.nodeName ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    ni.removePod(pod);
    if (!ni.node() && ni.pods.length === 0) this.nodes.delete(name);
  }

  // ---- nodes --------------------------------------------------------------------------------

  addNode(node: Node): NodeInfo {
    const name = node.metadata.name!;
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo()));
    if (!ni.node()) this.nodeSetVersion++;
    else this.removeImages(ni.node()!);
    this.addImages(node);
    ni.setNode(node);
    ni.imageStates = this.imageSummaries(node);
    return ni;
  }

  updateNode(_old: Node, node: Node): NodeInfo {
    return this.addNode(node);
  }

  /** The node goes; its NodeInfo stays while pods still point at it (they are deleted after). */
  removeNode(node: Node): void {
    const name = node.metadata.name!;
    const ni = this.nodes.get(name);
    if (!ni?.node()) return;
    this.removeImages(ni.node()!);
    ni.removeNode();
    if (ni.pods.length === 0) this.nodes.delete(name);
    this.nodeSetVersion++;
  }

  nodeCount(): number {
    let n = 0;
    for (const ni of this.nodes.values()) if (ni.node()) n++;
    return n;
  }

  private addImages(node: Node): void {
    for (const img of node.status?.images ?? []) {
      for (const name of img.names ?? []) {
        let st = this.images.get(name);
        if (!st) this.images.set(name, (st = { size: img.sizeBytes ?? 0, nodes: new Set() }));
        st.nodes.add(node.metadata.name!);
      }
    }
  }

  private removeImages(node: Node): void {
    for (const img of node.status?.images ?? []) {
      for (const name of img.names ?? []) {
        const st = this.images.get(name);
        st?.nodes.delete(node.metadata.name!);
        if (st && st.nodes.size === 0) this.images.delete(name);
      }
    }
  }

  private imageSummaries(node: Node): Map<string, ImageStateSummary> {
    const out = new Map<string, ImageStateSummary>();
    for (const img of node.status?.images ?? []) {
      for (const name of img.names ?? []) {
        const st = this.images.get(name);
        if (st) out.set(name, { size: st.size, numNodes: st.nodes.size });
      }
    }
    return out;
  }

  // ---- snapshot -----------------------------------------------------------------------------

  /** Brings a snapshot up to date: clones of the NodeInfos changed since its last update. */
  updateSnapshot(snapshot: Snapshot): void {
    let newest = snapshot.generation;
    let affinityChanged = false;
    const nodeSetChanged = this.snapshotNodeSetVersion !== this.nodeSetVersion;
    for (const [name, ni] of this.nodes) {
      if (ni.generation <= snapshot.generation) continue;
      newest = Math.max(newest, ni.generation);
      const before = snapshot.nodeInfoMap.get(name);
      const clone = ni.clone();
      if ((before?.podsWithAffinity.length ?? 0) !== clone.podsWithAffinity.length || (before?.podsWithRequiredAntiAffinity.length ?? 0) !== clone.podsWithRequiredAntiAffinity.length) affinityChanged = true;
      if (clone.podsWithAffinity.length > 0) affinityChanged = true;
      snapshot.nodeInfoMap.set(name, clone);
      const idx = snapshot.indexOf.get(name);
      if (!nodeSetChanged && idx !== undefined) snapshot.nodeInfoList[idx] = clone;
    }
    if (nodeSetChanged) {
      for (const name of [...snapshot.nodeInfoMap.keys()]) if (!this.nodes.has(name)) snapshot.nodeInfoMap.delete(name);
      snapshot.rebuildLists();
      this.snapshotNodeSetVersion = this.nodeSetVersion;
    } else if (affinityChanged) {
      snapshot.rebuildAffinityLists();
    }
    snapshot.generation = newest;
  }
}
