/**
 * Which pods a controller deletes first (kube's controller.ActivePods and ActivePodsWithRanks):
 * sorted so that the pods cheapest to lose come first.
 */
import { isPodActive, isPodReady, type Pod, podReadySince } from '@keelson/api';

/** Annotation ordering pods of one ReplicaSet for deletion: lower cost goes first. */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function ordinal(pod: Pod): number {
  return phaseOrdinal[pod.status?.phase ?? ''] ?? 0;
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function created(pod: Pod): number | undefined {
  const t = pod.metadata.creationTimestamp ? Date.parse(pod.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** pod-deletion-cost as an int32 (0 when absent or not a valid integer). */
export function podDeletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^[-+]?\d+$/.test(v.trim())) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

/** afterOrZero: a missing time sorts first, then the later time. Returns <0 when a goes first. */
function afterOrZero(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return a === undefined ? (b === undefined ? 0 : -1) : 1;
  return b - a;
}

/** floor(log2(age in ns)), -1 for a time not in the past: kube's logarithmic buckets. */
function logRank(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/** Compares by logarithmic age bucket (younger first), ties broken by uid. */
function logarithmic(a: number | undefined, b: number | undefined, now: number | undefined, pa: Pod, pb: Pod): number {
  if (now === undefined || a === undefined || b === undefined) return afterOrZero(a, b);
  const diff = logRank(a, now) - logRank(b, now);
  if (diff !== 0) return diff;
  const ua = pa.metadata.uid ?? '';
  const ub = pb.metadata.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * kube's ActivePods.Less as a comparator (<0: a is deleted first): unassigned < assigned,
 * Pending < Unknown < Running, not ready < ready, ready for less time < more, more restarts
 * first, newer first.
 */
export function compareActivePods(a: Pod, b: Pod): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  if (ordinal(a) !== ordinal(b)) return ordinal(a) - ordinal(b);
  if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
  if (isPodReady(a) && isPodReady(b)) {
    const ra = podReadySince(a);
    const rb = podReadySince(b);
    if (ra !== rb) return afterOrZero(ra, rb);
  }
  if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
  const ca = created(a);
  const cb = created(b);
  if (ca !== cb) return afterOrZero(ca, cb);
  return 0;
}

/** A pod with its rank: the number of related active pods on its node (more = deleted first). */
export interface RankedPod<P extends Pod = Pod> {
  pod: P;
  rank: number;
}

/**
 * kube's ActivePodsWithRanks.Less (with PodDeletionCost and LogarithmicScaleDown, both on by
 * default): unassigned < assigned, Pending < Unknown < Running, not ready < ready, lower
 * deletion cost first, higher co-location rank first, ready for less time first (logarithmic
 * buckets against `now`), more restarts first, newer first (logarithmic buckets), then uid.
 * `now` undefined compares times exactly.
 */
export function compareRankedPods(x: RankedPod, y: RankedPod, now?: number): number {
  const a = x.pod;
  const b = y.pod;
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  if (ordinal(a) !== ordinal(b)) return ordinal(a) - ordinal(b);
  if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
  const costA = podDeletionCost(a);
  const costB = podDeletionCost(b);
  if (costA !== costB) return costA - costB;
  if (x.rank !== y.rank) return y.rank - x.rank;
  if (isPodReady(a) && isPodReady(b)) {
    const ra = podReadySince(a);
    const rb = podReadySince(b);
    if (ra !== rb) {
      const c = logarithmic(ra, rb, now, a, b);
      if (c !== 0) return c;
      return 0;
    }
  }
  if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
  const ca = created(a);
  const cb = created(b);
  if (ca !== cb) return logarithmic(ca, cb, now, a, b);
  return 0;
}

/**
 * Ranks podsToRank by how many of relatedPods (active ones) share their node
 * (kube's getPodsRankedByRelatedPodsOnSameNode).
 */
export function rankByRelatedPodsOnSameNode<P extends Pod>(podsToRank: readonly P[], relatedPods: readonly Pod[]): RankedPod<P>[] {
  const onNode = new Map<string, number>();
  for (const p of relatedPods) {
    if (!isPodActive(p)) continue;
    const n = p.spec?.nodeName ?? '';
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  return podsToRank.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
}

/**
 * The `diff` pods to delete out of filteredPods (kube's getPodsToDelete): all of them in order
 * when every one goes, otherwise the first after ranking by co-location with relatedPods (the
 * pods of every ReplicaSet with the same owner) and the comparator above.
 */
export function getPodsToDelete<P extends Pod>(filteredPods: readonly P[], relatedPods: readonly Pod[], diff: number, now?: number): P[] {
  if (diff >= filteredPods.length) return filteredPods.slice(0, diff);
  const ranked = rankByRelatedPodsOnSameNode(filteredPods, relatedPods);
  ranked.sort((x, y) => compareRankedPods(x, y, now));
  return ranked.slice(0, diff).map((r) => r.pod);
}
