import type { NodeInfoLister, SharedLister } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { PodGroupIndex } from './pod-groups.js';

/**
 * The cluster as one scheduling cycle sees it: clones of the cache's NodeInfos, updated
 * incrementally before each cycle (kube's Snapshot). Plugins read it through the Handle.
 */
export class Snapshot implements SharedLister, NodeInfoLister {
  nodeInfoMap = new Map<string, NodeInfo>();
  nodeInfoList: NodeInfo[] = [];
  /** Position of each node in nodeInfoList. */
  indexOf = new Map<string, number>();
  withAffinity: NodeInfo[] = [];
  withRequiredAntiAffinity: NodeInfo[] = [];
  /** The newest NodeInfo generation this snapshot holds. */
  generation = 0;

  nodeInfos(): NodeInfoLister {
    return this;
  }
  list(): readonly NodeInfo[] {
    return this.nodeInfoList;
  }
  get(nodeName: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(nodeName);
  }
  havePodsWithAffinityList(): readonly NodeInfo[] {
    return this.withAffinity;
  }
  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[] {
    return this.withRequiredAntiAffinity;
  }
  /** Alike pods and anti-affinity terms grouped, up to date with this snapshot (built on first use). */
  podGroups(): PodGroupIndex {
    this.groupIndex ??= new PodGroupIndex();
    this.groupIndex.sync(this.nodeInfoList, this.generation, (n) => this.nodeInfoMap.get(n));
    return this.groupIndex;
  }
  private groupIndex?: PodGroupIndex;

  numNodes(): number {
    return this.nodeInfoList.length;
  }

  /** A snapshot of the given NodeInfos (for plugin tests). */
  static of(nodes: NodeInfo[]): Snapshot {
    const s = new Snapshot();
    for (const n of nodes) s.nodeInfoMap.set(n.nodeName(), n);
    s.rebuildLists();
    return s;
  }

  rebuildLists(): void {
    this.nodeInfoList = [...this.nodeInfoMap.values()].filter((n) => n.node());
    this.indexOf = new Map(this.nodeInfoList.map((n, i) => [n.nodeName(), i]));
    this.rebuildAffinityLists();
  }

  rebuildAffinityLists(): void {
    this.withAffinity = this.nodeInfoList.filter((n) => n.podsWithAffinity.length > 0);
    this.withRequiredAntiAffinity = this.nodeInfoList.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
  }
}
