import { ApiError, badRequest, type DeleteOptions, type Eviction, isConflict, isPodReady, type Pod, type PodCondition, type PodDisruptionBudget, type PostSubresource, type PostSubresourceCall } from '@keelson/api';
import { type Client, rfc3339 } from '@keelson/core';
import { budgetsForPod, checkAndDecrement, PodDisruptionBudgetKindRef, tooManyRequests } from './eviction-budget.js';

const PodKindRef = { apiVersion: 'v1', kind: 'Pod' } as const;

/** kube's EvictionsRetry: conflicts are retried this many times. */
const EVICTION_RETRIES = 20;

/**
 * POST pods/NAME/eviction, as kube-apiserver's EvictionREST: a policy/v1 (or v1beta1) Eviction
 * deletes the pod with the Eviction's DeleteOptions, unless a PodDisruptionBudget selecting the pod
 * has no disruption left (429 TooManyRequests with a DisruptionBudget cause). Pods that are
 * Pending, finished or already terminating are deleted without looking at budgets; an unready pod
 * may go when its budget is healthy anyway (or its unhealthyPodEvictionPolicy is AlwaysAllow).
 * Budgets are consulted only when the cluster serves policy/v1 PodDisruptionBudget.
 */
export const podEviction: PostSubresource<Pod> = {
  requestKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
  handle: evict,
};

async function evict(call: PostSubresourceCall): Promise<void> {
  const eviction = call.body as Eviction;
  const client = call.services.client;
  if (eviction.apiVersion && eviction.apiVersion !== 'policy/v1' && eviction.apiVersion !== 'policy/v1beta1') {
    throw badRequest(`unsupported Eviction version ${eviction.apiVersion}: policy/v1 and policy/v1beta1 are accepted`);
  }
  if (eviction.kind && eviction.kind !== 'Eviction') throw badRequest(`not a Eviction object: ${eviction.kind}`);
  if (call.name !== eviction.metadata?.name) throw badRequest('name in URL does not match name in Eviction object');
  const options = propagateDryRun(eviction.deleteOptions, call.dryRun);
  const dryRun = (options.dryRun ?? []).includes('All');
  const namespace = call.namespace;

  // Pods the budgets cannot protect are deleted at once (retried on conflicts unless the caller pinned a version).
  let pod: Pod | undefined;
  for (let attempt = 0; ; attempt++) {
    pod = await client.get<Pod>(PodKindRef, call.name, { namespace });
    if (!canIgnorePDB(pod)) break;
    const opts = shouldEnforceResourceVersion(pod) && !options.preconditions?.resourceVersion ? withResourceVersion(options, pod.metadata.resourceVersion!) : options;
    try {
      await addConditionAndDeletePod(client, pod, opts, dryRun, call.now);
      return;
    } catch (err) {
      if (!isConflict(err) || options.preconditions?.resourceVersion || attempt >= EVICTION_RETRIES) throw err;
    }
  }

  const pdbs = await budgetsForPod(client, pod);
  if (pdbs.length > 1) {
    // kube answers with this Status (code 500, no reason) as the result of the create.
    throw new ApiError(500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  let pinned = false;
  const pdb = pdbs[0];
  if (pdb) {
    const unready = !isPodReady(pod);
    const status = pdb.status;
    if (unready && pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') pinned = true;
    else if (unready && status && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0) pinned = true;
    else await decrementWithRetries(client, pod, pdb, dryRun, call.now);
  }

  const opts = pinned ? withResourceVersion(options, pod.metadata.resourceVersion!) : options;
  try {
    await addConditionAndDeletePod(client, pod, opts, dryRun, call.now);
  } catch (err) {
    // The unready pod changed since the budget was judged: let the client retry.
    if (isConflict(err) && pinned && !options.preconditions?.resourceVersion) throw tooManyRequests(`The disruption budget ${pdb!.metadata.name} is still being processed by the server.`, 10);
    throw err;
  }
}

/** Takes one disruption from the budget, re-reading it after a conflict. */
async function decrementWithRetries(client: Client, pod: Pod, first: PodDisruptionBudget, dryRun: boolean, now: number): Promise<void> {
  let pdb = first;
  for (let attempt = 0; ; attempt++) {
    try {
      return await checkAndDecrement(client, pod.metadata.name!, pdb, dryRun, now);
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (attempt >= EVICTION_RETRIES) throw new ApiError(504, 'Timeout', `couldn't update PodDisruptionBudget "${pdb.metadata.name}" due to conflicts`, { retryAfterSeconds: 10 });
      pdb = await client.get<PodDisruptionBudget>(PodDisruptionBudgetKindRef, pdb.metadata.name!, { namespace: pod.metadata.namespace });
    }
  }
}

/** kube's propagateDryRun: the request's dryRun and the Eviction's must agree. */
function propagateDryRun(options: DeleteOptions | undefined, dryRun: boolean): DeleteOptions {
  const requested = dryRun ? ['All'] : [];
  if (!options) return dryRun ? { dryRun: requested } : {};
  const own = options.dryRun ?? [];
  if (own.length === 0) return dryRun ? { ...options, dryRun: requested } : { ...options };
  if (requested.length === 0) return { ...options };
  if (JSON.stringify(own) !== JSON.stringify(requested)) {
    throw new ApiError(500, 'InternalError', `Non-matching dry-run options in request and content: [${requested.join(' ')}] and [${own.join(' ')}]`);
  }
  return { ...options };
}

/** Finished, Pending and terminating pods have already caused (or cannot cause) a disruption. */
function canIgnorePDB(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

function shouldEnforceResourceVersion(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp);
}

function withResourceVersion(options: DeleteOptions, resourceVersion: string): DeleteOptions {
  return { ...options, preconditions: { ...options.preconditions, resourceVersion } };
}

/**
 * kube's addConditionAndDeletePod: the pod gets DisruptionTarget=True (EvictionByEvictionAPI)
 * through its status, then is deleted; a resourceVersion precondition follows that write.
 */
async function addConditionAndDeletePod(client: Client, pod: Pod, options: DeleteOptions, dryRun: boolean, now: number): Promise<void> {
  let opts = options;
  const { name, namespace } = pod.metadata;
  for (let attempt = 0; !dryRun; attempt++) {
    // The condition goes on the newest pod (kube's getLatestPod), unless the preconditions no longer hold.
    const latest = attempt === 0 ? structuredClone(pod) : await client.get<Pod>(PodKindRef, name!, { namespace });
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== latest.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${latest.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== latest.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on pods "${name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${latest.metadata.resourceVersion}`);
    }
    if (!setDisruptionTarget(latest, now)) break;
    try {
      const updated = await client.updateStatus(latest, { kind: PodKindRef });
      if (pre?.resourceVersion) opts = withResourceVersion(options, updated.metadata.resourceVersion!);
      break;
    } catch (err) {
      if (!isConflict(err) || attempt >= EVICTION_RETRIES) throw err;
    }
  }
  await client.delete(PodKindRef, name!, { ...opts, namespace });
}

/** podutil.UpdatePodCondition with DisruptionTarget=True; false when nothing changed. */
function setDisruptionTarget(pod: Pod, now: number): boolean {
  const cond: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: rfc3339(now) };
  const conditions = ((pod.status ??= {}).conditions ??= []);
  const i = conditions.findIndex((c) => c.type === cond.type);
  if (i < 0) {
    conditions.push(cond);
    return true;
  }
  const old = conditions[i]!;
  if (old.status === cond.status && old.reason === cond.reason && old.message === cond.message) return false;
  conditions[i] = { ...old, ...cond, lastTransitionTime: old.status === cond.status ? old.lastTransitionTime : cond.lastTransitionTime };
  return true;
}
