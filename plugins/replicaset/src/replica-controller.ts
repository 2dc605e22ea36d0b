/**
 * The replica controller shared by ReplicaSets and ReplicationControllers, with the semantics of
 * kube's ReplicaSetController (pkg/controller/replicaset/replica_set.go): claim pods, create or
 * delete the difference when the informer has caught up with earlier writes (expectations),
 * and write the status.
 */
import { type ApiError, filterActivePods, type PluginContext, getControllerOf, isApiError, isNotFound, kindApiVersion, type OwnerReference, type Pod, type Selector, serviceToken } from '@keelson/api';
import { ClockToken, CONTROLLER_UID_INDEX, controlledOrOrphans, controller, type ControllerDefinition, type ReconcileContext, type Request } from '@keelson/core';
import { PodKind } from '@keelson/plugin-core';
import { claimPods } from './claim.js';
import { UIDTrackingControllerExpectations } from './expectations.js';
import { podEventHandler, replicatedEventHandler } from './handlers.js';
import { PodControl } from './pod-control.js';
import { getPodsToDelete } from './ranking.js';
import type { ReplicaKindAdapter, Replicated } from './replicated.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from './slow-start.js';
import { calculateStatus, updateStatus } from './status.js';
import { newControllerRef } from './template.js';

/** kube's BurstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;


/** Per-cluster state of one replica controller: its expectations. */
export interface ReplicaControllerState {
  readonly expectations: UIDTrackingControllerExpectations;
}

/** The service token of a replica controller's state (provided by the plugin that runs it). */
export function replicaStateToken(name: string) {
  return serviceToken<ReplicaControllerState>(`replicaset.${name}.state`);
}

/** The ServiceProvider of a replica controller's state. */
export function replicaStateProvider(adapter: ReplicaKindAdapter<any>) {
  return {
    token: adapter.stateToken,
    create: (ctx: PluginContext): ReplicaControllerState => ({ expectations: new UIDTrackingControllerExpectations(ctx.get(ClockToken)) }),
  };
}

function keyOf(r: { namespace?: string; name: string }): string {
  return `${r.namespace ?? ''}/${r.name}`;
}

/** An error whose Status says the namespace is terminating (kube's NamespaceTerminatingCause). */
function namespaceTerminating(err: unknown): boolean {
  if (!isApiError(err)) return false;
  const status = (err as ApiError).status;
  return !!status.details?.causes?.some((c) => c.reason === 'NamespaceTerminating') || /because it is being terminated/.test(status.message ?? '');
}

/** The controller definition for one replica kind. */
export function replicaController<T extends Replicated>(adapter: ReplicaKindAdapter<T>): ControllerDefinition {
  return controller(adapter.name)
    .component(adapter.component)
    .for(adapter.kind)
    .watchesEvents(adapter.kind, (w) => replicatedEventHandler(w, adapter))
    .watchesEvents(PodKind, (w) => podEventHandler(w, adapter))
    .reconcile((ctx, req) => syncReplicated(ctx, req, adapter));
}

/** One sync (kube's syncReplicaSet). */
export async function syncReplicated<T extends Replicated>(ctx: ReconcileContext, req: Request, adapter: ReplicaKindAdapter<T>): Promise<{ requeueAfter?: number } | void> {
  const { expectations } = ctx.get(adapter.stateToken);
  // Pod writes with their Events, recorded as this controller's component.
  const podControl = new PodControl(ctx.client, ctx.recorder);
  const key = keyOf(req);
  const namespace = req.namespace ?? '';
  const obj = ctx.lister<T>(adapter.kind).namespace(namespace).get(req.name);
  if (!obj) {
    expectations.deleteExpectations(key);
    return;
  }
  const needsSync = expectations.satisfiedExpectations(key);
  let selector: Selector;
  try {
    selector = adapter.selector(obj);
  } catch (err) {
    ctx.log.warn('invalid pod selector: not syncing', { key, error: (err as Error).message });
    return;
  }
  const controllerRef = newControllerRef(obj, kindApiVersion(adapter.kind), adapter.kind.kind);
  // The active pods it owns (those that stopped matching are released) and the namespace's orphans
  // (kube's getRSPods over the controller uid index); every pod of the namespace without the index.
  const pods = controlledOrOrphans(ctx.informers.informerFor<Pod>(PodKind).getIndexer(), obj.metadata.uid!, namespace) ?? ctx.lister<Pod>(PodKind).namespace(namespace).list();
  const active = filterActivePods(pods);
  const { claimed, errors } = await claimPods(active, {
    controller: obj,
    selector,
    controllerRef,
    podControl,
    fetchFresh: () => ctx.client.get(adapter.kind, req.name, { namespace }),
  });
  if (errors.length) throw errors[0];

  let manageError: unknown;
  if (needsSync && !obj.metadata.deletionTimestamp) {
    manageError = await manageReplicas(ctx, adapter, podControl, obj, claimed, controllerRef, key);
  }
  const now = ctx.clock.now();
  const { status, nextAvailableInMs } = calculateStatus(obj, claimed, manageError, now);
  try {
    await updateStatus(ctx.client, adapter.kind, obj, status);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  if (manageError !== undefined) throw manageError;
  // A ready pod becomes available once minReadySeconds have passed: look again then.
  if (nextAvailableInMs !== undefined) return { requeueAfter: nextAvailableInMs };
}

/** Creates or deletes pods to reach spec.replicas (kube's manageReplicas); returns the first error. */
async function manageReplicas<T extends Replicated>(
  ctx: ReconcileContext,
  adapter: ReplicaKindAdapter<T>,
  podControl: PodControl,
  obj: T,
  pods: Pod[],
  controllerRef: OwnerReference,
  key: string,
): Promise<unknown> {
  const { expectations } = ctx.get(adapter.stateToken);
  const namespace = obj.metadata.namespace!;
  const desired = obj.spec?.replicas ?? 1;
  const diff = pods.length - desired;
  if (diff < 0) {
    const count = Math.min(-diff, BURST_REPLICAS);
    expectations.expectCreations(key, count);
    ctx.log.debug('too few replicas', { key, need: desired, creating: count });
    const template = obj.spec?.template ?? {};
    const { successes, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH_SIZE, async () => {
      try {
        await podControl.createPod(namespace, template, obj, controllerRef);
      } catch (err) {
        // Creations in a terminating namespace fail anyway: not an error of this controller.
        if (!namespaceTerminating(err)) throw err;
      }
    });
    // Creations that failed or were never attempted will not be observed.
    for (let i = 0; i < count - successes; i++) expectations.creationObserved(key);
    return error;
  }
  if (diff > 0) {
    const count = Math.min(diff, BURST_REPLICAS);
    ctx.log.debug('too many replicas', { key, need: desired, deleting: count });
    const related = relatedPods(ctx, adapter, obj);
    const victims = getPodsToDelete(pods, related, count, ctx.clock.now());
    expectations.expectDeletionsOf(
      key,
      victims.map((p) => keyOf({ namespace: p.metadata.namespace, name: p.metadata.name! })),
    );
    let first: unknown;
    await Promise.all(
      victims.map(async (pod) => {
        try {
          await podControl.deletePod(namespace, pod.metadata.name!, obj);
        } catch (err) {
          // The informer will not see this deletion.
          expectations.deletionObservedOf(key, keyOf({ namespace: pod.metadata.namespace, name: pod.metadata.name! }));
          if (!isNotFound(err)) first ??= err;
        }
      }),
    );
    return first;
  }
  return undefined;
}

/**
 * Pods of every object of this kind with the same controller owner as obj (kube's
 * getIndirectlyRelatedPods): the pods of a Deployment's other ReplicaSets, for co-location ranks.
 */
function relatedPods<T extends Replicated>(ctx: ReconcileContext, adapter: ReplicaKindAdapter<T>, obj: T): Pod[] {
  const owner = getControllerOf(obj);
  if (!owner) return [];
  const informer = ctx.informers.informerFor<T>(adapter.kind);
  let siblings: T[];
  try {
    siblings = informer.getIndexer().byIndex(CONTROLLER_UID_INDEX, owner.uid);
  } catch {
    siblings = ctx
      .lister<T>(adapter.kind)
      .namespace(obj.metadata.namespace ?? '')
      .list()
      .filter((o) => getControllerOf(o)?.uid === owner.uid);
  }
  const seen = new Set<string>();
  const out: Pod[] = [];
  const pods = ctx.lister<Pod>(PodKind).namespace(obj.metadata.namespace ?? '');
  for (const s of siblings) {
    let sel: Selector;
    try {
      sel = adapter.selector(s);
    } catch {
      continue;
    }
    for (const p of pods.list(sel)) {
      if (seen.has(p.metadata.uid!)) continue;
      seen.add(p.metadata.uid!);
      out.push(p);
    }
  }
  return out;
}
