/**
 * Pod readiness and availability as Kubernetes' controllers judge them
 * (k8s.io/kubernetes/pkg/api/v1/pod: GetPodReadyCondition, IsPodReady, IsPodAvailable).
 */
import type { Pod, PodCondition } from './objects/pod.js';

function timeMs(t: string | undefined | null): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The pod's Ready condition, if any. */
export function getPodReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Ready condition True. */
export function isPodReady(pod: Pod): boolean {
  return getPodReadyCondition(pod)?.status === 'True';
}

/** When the pod became ready (ms), or undefined when it is not ready or the time is unknown. */
export function podReadySince(pod: Pod): number | undefined {
  const c = getPodReadyCondition(pod);
  return c?.status === 'True' ? timeMs(c.lastTransitionTime) : undefined;
}

/**
 * Ready for at least minReadySeconds at `now` (ms): minReadySeconds 0 → ready is enough;
 * otherwise the Ready condition's lastTransitionTime + minReadySeconds must be before now.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/**
 * Milliseconds until a ready pod becomes available (the earliest instant isPodAvailable turns
 * true), 0 when it already is, undefined when it is not ready or cannot tell.
 */
export function podAvailableIn(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  if (!isPodReady(pod)) return undefined;
  if (isPodAvailable(pod, minReadySeconds, now)) return 0;
  const since = podReadySince(pod);
  return since === undefined ? undefined : since + minReadySeconds * 1000 - now + 1;
}

/** Not terminating and not finished (Succeeded/Failed): kube's controller.IsPodActive. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Pods that are active (kube's controller.FilterActivePods). */
export function filterActivePods<P extends Pod>(pods: readonly P[]): P[] {
  return pods.filter(isPodActive);
}
