import { getScaledValueFromIntOrPercent, isNotFound, isPodReady, labelSelectorAsSelector, type Pod, type PodDisruptionBudget, type PodDisruptionBudgetStatus } from '@keelson/api';
import { controller, type ReconcileContext } from '@keelson/core';
import { PodKind, updateDisruptionAllowedCondition, setStatusCondition } from '@keelson/plugin-core';
import { expectedScale } from './expected-scale.js';
import { PodDisruptionBudgetKind } from './pdb-kind.js';

/** kube's DeletionTimeout: an eviction the pod has not followed within this long is forgotten. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** The pods a budget covers: policy/v1, so an empty selector selects the whole namespace; none selects nothing. */
export function podsForBudget(pdb: PodDisruptionBudget, pods: readonly Pod[]): Pod[] {
  let selector;
  try {
    selector = labelSelectorAsSelector(pdb.spec?.selector);
  } catch {
    return [];
  }
  return pods.filter((p) => selector.matches(p.metadata.labels));
}

/** kube's getExpectedPodCount: how many pods there should be and how many must stay healthy. */
export async function expectedPodCount(ctx: Pick<ReconcileContext, 'client'>, pdb: PodDisruptionBudget, pods: readonly Pod[]): Promise<{ expectedCount: number; desiredHealthy: number; unmanagedPods: string[] }> {
  const { maxUnavailable, minAvailable } = pdb.spec ?? {};
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = await expectedScale(ctx.client, pods);
    const unavailable = getScaledValueFromIntOrPercent(maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - unavailable), unmanagedPods };
  }
  if (minAvailable !== undefined && minAvailable !== null) {
    if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanagedPods: [] };
    const { expectedCount, unmanagedPods } = await expectedScale(ctx.client, pods);
    return { expectedCount, desiredHealthy: getScaledValueFromIntOrPercent(minAvailable, expectedCount, true), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

/**
 * kube's buildDisruptedPodMap: evictions still expected to happen (the pod exists, is not yet
 * terminating, and the eviction is younger than DeletionTimeout), and when to look again.
 */
export function buildDisruptedPodMap(pods: readonly Pod[], pdb: PodDisruptionBudget, now: number, onExpired?: (pod: Pod) => void): { disruptedPods: Record<string, string>; recheckAt?: number } {
  const recorded = pdb.status?.disruptedPods;
  const disruptedPods: Record<string, string> = {};
  let recheckAt: number | undefined;
  if (!recorded) return { disruptedPods };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = recorded[pod.metadata.name!];
    if (at === undefined) continue;
    const expected = Date.parse(at) + DELETION_TIMEOUT_MS;
    // Due now counts as overdue (kube: Before(now)), so a FakeClock standing at the deadline cannot spin.
    if (expected <= now) onExpired?.(pod);
    else {
      if (recheckAt === undefined || expected < recheckAt) recheckAt = expected;
      disruptedPods[pod.metadata.name!] = at;
    }
  }
  return { disruptedPods, recheckAt };
}

/** kube's countHealthyPods: ready pods neither terminating nor about to be evicted. */
export function countHealthyPods(pods: readonly Pod[], disruptedPods: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disruptedPods[pod.metadata.name!];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a![k] === b[k]);
}

/** pdbhelper.ConditionsAreUpToDate. */
function conditionsUpToDate(pdb: PodDisruptionBudget): boolean {
  const c = pdb.status?.conditions?.find((x) => x.type === 'DisruptionAllowed');
  if (!c || pdb.status!.observedGeneration !== pdb.metadata.generation) return false;
  return pdb.status!.disruptionsAllowed > 0 ? c.status === 'True' && c.reason === 'SufficientPods' : c.status === 'False' && c.reason === 'InsufficientPods';
}

/** kube's updatePdbStatus: writes the computed status unless it is already there. */
async function updatePdbStatus(ctx: ReconcileContext, pdb: PodDisruptionBudget, s: Omit<PodDisruptionBudgetStatus, 'disruptionsAllowed' | 'observedGeneration' | 'conditions'>): Promise<void> {
  let disruptionsAllowed = s.currentHealthy - s.desiredHealthy;
  if (s.expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const old = pdb.status;
  if (
    old &&
    old.currentHealthy === s.currentHealthy &&
    old.desiredHealthy === s.desiredHealthy &&
    old.expectedPods === s.expectedPods &&
    old.disruptionsAllowed === disruptionsAllowed &&
    sameMap(old.disruptedPods, s.disruptedPods ?? {}) &&
    old.observedGeneration === pdb.metadata.generation &&
    conditionsUpToDate(pdb)
  ) {
    return;
  }
  const next = structuredClone(pdb);
  next.status = { ...s, disruptionsAllowed, observedGeneration: pdb.metadata.generation, conditions: next.status?.conditions ?? [] };
  if (Object.keys(next.status.disruptedPods ?? {}).length === 0) delete next.status.disruptedPods;
  updateDisruptionAllowedCondition(next, ctx.clock.now());
  await ctx.client.updateStatus(next, { kind: PodDisruptionBudgetKind });
}

/** kube's failSafe: no disruptions while the budget cannot be computed (SyncFailed). */
async function failSafe(ctx: ReconcileContext, pdb: PodDisruptionBudget, err: Error): Promise<void> {
  const cond = pdb.status?.conditions?.find((x) => x.type === 'DisruptionAllowed');
  // Already failed safe for this reason: writing again would only re-queue the budget.
  if (pdb.status?.disruptionsAllowed === 0 && cond?.reason === 'SyncFailed' && cond.message === err.message) return;
  const next = structuredClone(pdb);
  const status = (next.status ??= { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  status.disruptionsAllowed = 0;
  setStatusCondition((status.conditions ??= []), { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: err.message, observedGeneration: status.observedGeneration }, ctx.clock.now());
  await ctx.client.updateStatus(next, { kind: PodDisruptionBudgetKind });
}

/** kube's DisruptionController.trySync for one budget; returns when to look again (evictions pending). */
async function syncBudget(ctx: ReconcileContext, pdb: PodDisruptionBudget): Promise<number | undefined> {
  const all = ctx.lister<Pod>(PodKind).namespace(pdb.metadata.namespace!).list();
  const pods = podsForBudget(pdb, all);
  if (pods.length === 0) ctx.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
  let counts;
  try {
    counts = await expectedPodCount(ctx, pdb, pods);
  } catch (err) {
    ctx.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
    throw err;
  }
  if (counts.unmanagedPods.length > 0) {
    ctx.recorder.event(
      pdb,
      'Warning',
      'UnmanagedPods',
      `Pods selected by this PodDisruptionBudget (selector: ${labelSelectorAsSelector(pdb.spec?.selector).toString()}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
    );
  }
  const now = ctx.clock.now();
  const { disruptedPods, recheckAt } = buildDisruptedPodMap(pods, pdb, now, (pod) =>
    ctx.recorder.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`),
  );
  const currentHealthy = countHealthyPods(pods, disruptedPods, now);
  await updatePdbStatus(ctx, pdb, { currentHealthy, desiredHealthy: counts.desiredHealthy, expectedPods: counts.expectedCount, disruptedPods });
  return recheckAt === undefined ? undefined : Math.max(0, recheckAt - now);
}

/**
 * The disruption controller: keeps each PodDisruptionBudget's status (currentHealthy,
 * desiredHealthy, expectedPods, disruptionsAllowed, disruptedPods, DisruptionAllowed) in step with
 * the pods it selects. Pod changes re-queue the budgets that select them (old and new labels).
 */
export const disruptionController = controller('disruption')
  .component('controllermanager') // kube's disruption controller records as "controllermanager"
  .for(PodDisruptionBudgetKind)
  .watchesEvents(PodKind, (w) => {
    const enqueueFor = (pod: Pod) => {
      if (!pod.metadata.namespace) return;
      for (const pdb of w.lister<PodDisruptionBudget>(PodDisruptionBudgetKind).namespace(pod.metadata.namespace).list()) {
        if (podsForBudget(pdb, [pod]).length) w.enqueue({ namespace: pdb.metadata.namespace, name: pdb.metadata.name! });
      }
    };
    return {
      onAdd: (pod) => enqueueFor(pod as Pod),
      onUpdate: (old, pod) => {
        enqueueFor(pod as Pod);
        if (JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {})) enqueueFor(old as Pod);
      },
      onDelete: (pod) => enqueueFor(pod as Pod),
    };
  })
  .reconcile(async (ctx, req) => {
    const pdb = ctx.lister<PodDisruptionBudget>(PodDisruptionBudgetKind).namespace(req.namespace!).get(req.name);
    if (!pdb) return;
    let recheck: number | undefined;
    try {
      recheck = await syncBudget(ctx, pdb);
    } catch (err) {
      if (isNotFound(err)) return;
      try {
        await failSafe(ctx, pdb, err as Error);
      } catch (e) {
        ctx.log.warn(`disruption: fail-safe for ${req.namespace}/${req.name} failed: ${(e as Error).message}`);
      }
      throw err;
    }
    return recheck === undefined ? undefined : { requeueAfter: recheck };
  });


