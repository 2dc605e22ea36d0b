import type { Pod } from '@keelson/api';
import type { CycleState, EnqueueExtensions, Handle, ImageStateSummary, NodeInfo, ScorePlugin } from '@keelson/scheduler';
import { MaxNodeScore } from '@keelson/scheduler';

export const Name = 'ImageLocality';
const mb = 1024 * 1024;
/** Below this sum of image sizes a node scores 0 (kube's minThreshold, 23 MB). */
export const minThreshold = 23 * mb;
/** Per container, above this a node scores 100 (kube's maxContainerThreshold, 1000 MB). */
export const maxContainerThreshold = 1000 * mb;

/** kube's normalizedImageName: a name without a tag gets ":latest". */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/** kube's scaledImageScore: the image size scaled by the share of nodes that have it. */
export function scaledImageScore(state: ImageStateSummary, totalNumNodes: number): number {
  return Math.trunc(state.size * (state.numNodes / totalNumNodes));
}

/** kube's sumImageScores over init containers and containers. */
export function sumImageScores(nodeInfo: NodeInfo, pod: Pod, totalNumNodes: number): number {
  let sum = 0;
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    const st = nodeInfo.imageStates.get(normalizedImageName(c.image ?? ''));
    if (st) sum += scaledImageScore(st, totalNumNodes);
  }
  return sum;
}

/** kube's calculatePriority: the sum clamped to [23 MB, 1000 MB × containers] mapped onto 0..100. */
export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = maxContainerThreshold * numContainers;
  const s = Math.min(Math.max(sumScores, minThreshold), maxThreshold);
  return Math.trunc((MaxNodeScore * (s - minThreshold)) / (maxThreshold - minThreshold));
}

/** kube's ImageLocality: nodes that already have the pod's images (large and rare ones count more) score higher. */
export class ImageLocality implements ScorePlugin, EnqueueExtensions {
  readonly name = Name;
  constructor(private readonly handle: Pick<Handle, 'snapshotSharedLister'>) {}

  score(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const total = this.handle.snapshotSharedLister().nodeInfos().list().length;
    const containers = (pod.spec?.initContainers?.length ?? 0) + (pod.spec?.containers?.length ?? 0);
    return calculatePriority(sumImageScores(nodeInfo, pod, total), containers);
  }

  /** A Score plugin only: it never rejects a pod, so no event needs to requeue one. */
  eventsToRegister() {
    return [];
  }
}
