/**
 * The deployment controller (kube's DeploymentController.syncDeployment): claim ReplicaSets,
 * then scale, pause, or roll out with the Deployment's strategy, and write the status.
 */
import { type Deployment, getControllerOf, isInvalid, isNotFound, labelSelectorAsSelector, type Pod, type ReplicaSet, type Selector } from '@keelson/api';
import { controlledBy, controller, type ReconcileContext, type Request } from '@keelson/core';
import { PodKind } from '@keelson/plugin-core';
import { newControllerRef, ReplicaSetKind } from '@keelson/plugin-replicaset';
import { DeploymentKind } from './deployment-kind.js';
import { podEventHandler, replicaSetEventHandler } from './handlers.js';
import { type PodMap, rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { type SyncState, writeStatus } from './state.js';
import { checkPausedConditions, syncDeploymentStatus } from './status.js';
import { getAllReplicaSets, isScalingEvent, sync } from './sync.js';

export const deploymentController = controller('deployment')
  .component('deployment-controller')
  .for(DeploymentKind)
  .watchesEvents(ReplicaSetKind, replicaSetEventHandler)
  .watchesEvents(PodKind, podEventHandler)
  .reconcile(syncDeployment);

/** ClaimReplicaSets: own the matching ReplicaSets, adopt matching orphans, release the others. */
async function claimReplicaSets(ctx: ReconcileContext, d: Deployment, selector: Selector): Promise<ReplicaSet[]> {
  const ns = d.metadata.namespace ?? '';
  const deleting = !!d.metadata.deletionTimestamp;
  const ref = newControllerRef(d, 'apps/v1', 'Deployment');
  let canAdopt: Promise<void> | undefined;
  const claimed: ReplicaSet[] = [];
  for (const rs of ctx.lister<ReplicaSet>(ReplicaSetKind).namespace(ns).list()) {
    const owner = getControllerOf(rs);
    const matches = selector.matches(rs.metadata.labels ?? {});
    if (owner) {
      if (owner.uid !== d.metadata.uid) continue;
      if (matches) claimed.push(rs);
      else if (!deleting) {
        await ctx.client
          .patch(ReplicaSetKind, rs.metadata.name!, 'strategic', { metadata: { ownerReferences: [{ $patch: 'delete', uid: d.metadata.uid }], uid: rs.metadata.uid } }, { namespace: ns })
          .catch((err: unknown) => {
            if (!isNotFound(err) && !isInvalid(err)) throw err;
          });
      }
      continue;
    }
    if (deleting || !matches || rs.metadata.deletionTimestamp) continue;
    await (canAdopt ??= ctx.client.get<Deployment>(DeploymentKind, d.metadata.name!, { namespace: ns }).then((fresh) => {
      if (fresh.metadata.uid !== d.metadata.uid) throw new Error(`original Deployment ${ns}/${d.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${d.metadata.uid}`);
      if (fresh.metadata.deletionTimestamp) throw new Error(`Deployment ${ns}/${d.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }));
    try {
      const adopted = await ctx.client.patch<ReplicaSet>(ReplicaSetKind, rs.metadata.name!, 'strategic', { metadata: { ownerReferences: [ref], uid: rs.metadata.uid } }, { namespace: ns });
      claimed.push(adopted);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return claimed;
}

/** getPodMapForDeployment: the Deployment's pods by the uid of their ReplicaSet. */
function podMapFor(ctx: ReconcileContext, d: Deployment, selector: Selector, rsList: ReplicaSet[]): PodMap {
  const map: PodMap = new Map(rsList.map((rs) => [rs.metadata.uid!, []]));
  const indexer = ctx.informers.informerFor<Pod>(PodKind).getIndexer();
  const byOwner = rsList.map((rs) => controlledBy(indexer, rs.metadata.uid!));
  if (byOwner.every((pods) => pods !== undefined)) {
    // The pods each ReplicaSet controls that the Deployment's selector matches (the same map).
    rsList.forEach((rs, i) => map.set(rs.metadata.uid!, byOwner[i]!.filter((p) => selector.matches(p.metadata.labels ?? {}))));
    return map;
  }
  for (const pod of ctx.lister<Pod>(PodKind).namespace(d.metadata.namespace ?? '').list(selector)) {
    const ref = getControllerOf(pod);
    if (ref && map.has(ref.uid)) map.get(ref.uid)!.push(pod);
  }
  return map;
}

/** One sync of a Deployment (kube's syncDeployment). */
export async function syncDeployment(ctx: ReconcileContext, req: Request): Promise<{ requeueAfter?: number } | void> {
  const cached = ctx.lister<Deployment>(DeploymentKind).namespace(req.namespace ?? '').get(req.name);
  if (!cached) return;
  const s: SyncState = { d: structuredClone(cached), client: ctx.client, now: () => ctx.clock.now(), recorder: ctx.recorder };
  const d = s.d;
  const sel = d.spec?.selector;
  if (sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
    s.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await writeStatus(s, { ...d.status, observedGeneration: d.metadata.generation });
    return;
  }
  let selector: Selector;
  try {
    selector = labelSelectorAsSelector(sel);
  } catch (err) {
    ctx.log.warn('invalid selector: not syncing', { deployment: `${req.namespace}/${req.name}`, error: (err as Error).message });
    return;
  }
  const rsList = await claimReplicaSets(ctx, d, selector);
  const podMap = podMapFor(ctx, d, selector, rsList);
  try {
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await getAllReplicaSets(s, rsList, false);
      await syncDeploymentStatus(s, [...oldRSs, newRS], newRS);
      return;
    }
    await checkPausedConditions(s);
    if (s.d.spec?.paused) return void (await sync(s, rsList));
    if (await isScalingEvent(s, rsList)) return void (await sync(s, rsList));
    const after = s.d.spec?.strategy?.type === 'Recreate' ? await rolloutRecreate(s, rsList, podMap) : await rolloutRolling(s, rsList);
    if (after !== undefined) return { requeueAfter: after };
  } catch (err) {
    if (isNotFound(err) && !ctx.lister<Deployment>(DeploymentKind).namespace(req.namespace ?? '').get(req.name)) return;
    throw err;
  }
}
