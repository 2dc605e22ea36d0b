import type { Pod } from '@keelson/api';
import type { CycleState, EnqueueExtensions, Handle, ImageStateSummary, NodeInfo, PreScorePlugin, ScorePlugin } from '@keelson/scheduler';
import { MaxNodeScore } from '@keelson/scheduler';

export const Name = 'ImageLocality';
const preScoreStateKey = `PreScore${Name}`;
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

/** The pod's images (init containers, then containers), normalized. */
export function podImages(pod: Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => normalizedImageName(c.image ?? ''));
}

/** kube's sumImageScores over init containers and containers. */
export function sumImageScores(nodeInfo: NodeInfo, pod: Pod, totalNumNodes: number, images = podImages(pod)): number {
  if (nodeInfo.imageStates.size === 0) return 0;
  let sum = 0;
  for (const img of images) {
    const st = nodeInfo.imageStates.get(img);
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
export class ImageLocality implements PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Name;
  constructor(private readonly handle: Pick<Handle, 'snapshotSharedLister'>) {}

  /** The pod's normalized image names and the node count, once per cycle. */
  preScore(state: CycleState, pod: Pod): undefined {
    state.write(preScoreStateKey, { images: podImages(pod), total: this.handle.snapshotSharedLister().nodeInfos().list().length });
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.read<{ images: string[]; total: number }>(preScoreStateKey) ?? { images: podImages(pod), total: this.handle.snapshotSharedLister().nodeInfos().list().length };
    return calculatePriority(sumImageScores(nodeInfo, pod, s.total, s.images), s.images.length);
  }

  /** A Score plugin only: it never rejects a pod, so no event needs to requeue one. */
  eventsToRegister() {
    return [];
  }
}
