import type { Pod } from '@keelson/api';
import type { PodNominator } from '../framework/interfaces.js';
import type { PodInfo } from '../framework/types.js';

/** Pods nominated to nodes by preemption (status.nominatedNodeName), by node. */
export class Nominator implements PodNominator {
  private readonly byNode = new Map<string, PodInfo[]>();
  private readonly nodeOf = new Map<string, string>();

  addNominatedPod(pi: PodInfo, nodeName: string): void {
    this.deleteNominatedPodIfExists(pi.pod);
    const node = nodeName || pi.pod.status?.nominatedNodeName;
    if (!node) return;
    this.nodeOf.set(pi.pod.metadata.uid!, node);
    const list = this.byNode.get(node) ?? [];
    list.push(pi);
    this.byNode.set(node, list);
  }

  deleteNominatedPodIfExists(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const node = this.nodeOf.get(uid);
    if (!node) return;
    this.nodeOf.delete(uid);
    const list = (this.byNode.get(node) ?? []).filter((p) => p.pod.metadata.uid !== uid);
    if (list.length) this.byNode.set(node, list);
    else this.byNode.delete(node);
  }

  hasNominatedPods(): boolean {
    return this.byNode.size > 0;
  }

  nominatedPodsForNode(nodeName: string): PodInfo[] {
    return [...(this.byNode.get(nodeName) ?? [])];
  }
}
