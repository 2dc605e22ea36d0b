import { ApiError, type KubeObject, labelSelectorAsSelector, type Pod, type PodDisruptionBudget, type Condition, isNotFound } from '@keelson/api';
import { type Client, rfc3339 } from '@keelson/core';

/** policy/v1 PodDisruptionBudget, looked up by the eviction subresource when some plugin serves it. */
export const PodDisruptionBudgetKindRef = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' } as const;

/**
 * kube's MaxDisruptedPodSize: evictions are refused while this many approved evictions wait for
 * the disruption controller to notice them.
 */
export const MAX_DISRUPTED_POD_SIZE = 2000;

/** policyv1.DisruptionBudgetCause, the cause type of a 429 from the eviction subresource. */
export const DISRUPTION_BUDGET_CAUSE = 'DisruptionBudget';

/** kube's createTooManyRequestsError / the 429 of checkAndDecrement. */
export function tooManyRequests(causeMessage: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    causes: [{ reason: DISRUPTION_BUDGET_CAUSE, message: causeMessage }],
  });
}

function forbiddenBudget(name: string, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `poddisruptionbudgets.policy "${name}" is forbidden: ${why}`, { name, group: 'policy', kind: 'poddisruptionbudgets' });
}

/**
 * The budgets in the pod's namespace whose selector matches the pod (kube's getPodDisruptionBudgets):
 * a budget with an empty or unparseable selector matches nothing here. No budget kind served → none.
 */
export async function budgetsForPod(client: Client, pod: Pod): Promise<PodDisruptionBudget[]> {
  let items: PodDisruptionBudget[];
  try {
    items = (await client.list<PodDisruptionBudget>(PodDisruptionBudgetKindRef, { namespace: pod.metadata.namespace })).items;
  } catch (err) {
    // Only an unserved kind answers a list with 404: no budgets in this cluster.
    if (isNotFound(err)) return [];
    throw err;
  }
  return items.filter((pdb) => budgetMatchesPod(pdb, pod));
}

/**
 * Whether the budget covers the pod: same namespace, and a selector that is neither empty nor
 * unparseable and matches the pod's labels (kube: a PDB with a nil or empty selector matches nothing).
 */
export function budgetMatchesPod(pdb: PodDisruptionBudget, pod: Pod): boolean {
  return budgetMatcher(pdb)(pod);
}

/** budgetMatchesPod with the budget's selector parsed once, for checking many pods. */
export function budgetMatcher(pdb: PodDisruptionBudget): (pod: Pod) => boolean {
  const namespace = pdb.metadata.namespace ?? '';
  let selector: ReturnType<typeof labelSelectorAsSelector>;
  try {
    selector = labelSelectorAsSelector(pdb.spec?.selector);
  } catch {
    return () => false;
  }
  if (selector.empty()) return () => false;
  return (pod) => (pod.metadata.namespace ?? '') === namespace && selector.matches(pod.metadata.labels);
}

/**
 * pdbhelper.UpdateDisruptionAllowedCondition: DisruptionAllowed True/SufficientPods when
 * disruptions are allowed, else False/InsufficientPods (apimeta.SetStatusCondition semantics).
 */
export function updateDisruptionAllowedCondition(pdb: PodDisruptionBudget, now: number): void {
  const status = pdb.status!;
  const allowed = status.disruptionsAllowed > 0;
  setStatusCondition((status.conditions ??= []), {
    type: 'DisruptionAllowed',
    status: allowed ? 'True' : 'False',
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
    observedGeneration: status.observedGeneration,
  }, now);
}

/** apimeta.SetStatusCondition: lastTransitionTime moves only when the status changes. */
export function setStatusCondition(conditions: Condition[], c: Condition, now: number): void {
  const existing = conditions.find((x) => x.type === c.type);
  if (!existing) {
    conditions.push({ ...c, lastTransitionTime: c.lastTransitionTime ?? rfc3339(now) });
    return;
  }
  if (existing.status !== c.status) {
    existing.status = c.status;
    existing.lastTransitionTime = c.lastTransitionTime ?? rfc3339(now);
  }
  existing.reason = c.reason;
  existing.message = c.message;
  existing.observedGeneration = c.observedGeneration;
}

/**
 * kube's checkAndDecrement: refuses while the budget's status is stale (429), negative or flooded
 * (403) or at zero (429 naming the healthy counts); otherwise takes one disruption and records the
 * pod in status.disruptedPods (not on a dry run) through the status subresource.
 */
export async function checkAndDecrement(client: Client, podName: string, pdb: PodDisruptionBudget, dryRun: boolean, now: number): Promise<void> {
  const status = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  const name = pdb.metadata.name!;
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10);
  if (status.disruptionsAllowed < 0) throw forbiddenBudget(name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
    throw forbiddenBudget(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (status.disruptionsAllowed === 0) {
    throw tooManyRequests(`The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`, 0);
  }
  const next = structuredClone(pdb) as PodDisruptionBudget & KubeObject;
  next.status = { ...structuredClone(status), disruptionsAllowed: status.disruptionsAllowed - 1 };
  if (next.status.disruptionsAllowed === 0) updateDisruptionAllowedCondition(next, now);
  if (dryRun) return;
  next.status.disruptedPods = { ...next.status.disruptedPods, [podName]: rfc3339(now) };
  await client.updateStatus(next, { kind: PodDisruptionBudgetKindRef });
}
