import type { Pod } from '@keelson/api';
import { controller, rfc3339 } from '@keelson/core';
import { PodKind } from '@keelson/plugin-core';

/** kube's stalePodDisruptionTimeout: a DisruptionTarget not followed by a deletion is withdrawn after this long. */
export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60 * 1000;

/**
 * kube's nonTerminatingPodHasStaleDisruptionCondition: whether the pod carries DisruptionTarget=True
 * without being deleted, and how long until that counts as stale (0: now).
 */
export function staleDisruption(pod: Pod, now: number): { has: boolean; cleanAfter: number } {
  if (pod.metadata.deletionTimestamp) return { has: false, cleanAfter: 0 };
  const cond = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  if (!cond || cond.status !== 'True') return { has: false, cleanAfter: 0 };
  const since = cond.lastTransitionTime ? Date.parse(cond.lastTransitionTime) : now;
  return { has: true, cleanAfter: Math.max(0, STALE_POD_DISRUPTION_TIMEOUT_MS - (now - since)) };
}

/**
 * The disruption controller's stale-pod worker: a pod marked as a disruption target (by an
 * eviction or the taint manager) that was not deleted within two minutes gets DisruptionTarget=False.
 */
export const stalePodDisruptionController = controller('disruption-stale-pod')
  .for(PodKind)
  // Only pods that carry the condition are worth a look (kube's pod handlers do the same check).
  .withEventFilter({ create: (p) => staleDisruption(p as Pod, 0).has, update: (_o, p) => staleDisruption(p as Pod, 0).has, delete: () => false })
  .reconcile(async (ctx, req) => {
    const pod = ctx.lister<Pod>(PodKind).namespace(req.namespace!).get(req.name);
    if (!pod) return;
    const now = ctx.clock.now();
    const { has, cleanAfter } = staleDisruption(pod, now);
    if (!has) return;
    if (cleanAfter > 0) return { requeueAfter: cleanAfter };
    const next = structuredClone(pod);
    const cond = next.status!.conditions!.find((c) => c.type === 'DisruptionTarget')!;
    cond.status = 'False';
    cond.lastTransitionTime = rfc3339(now);
    delete cond.reason;
    delete cond.message;
    await ctx.client.updateStatus(next, { kind: PodKind });
  });
