import { conflict, type DeleteOptions, fieldError, type FieldError, invalid, type KindDefinition, type KubeObject, notFound, type Status } from '@keelson/api';
import { rfc3339 } from '../clock/clock.js';
import { KeyNotFoundError, RevisionMismatchError } from '../store/store.js';
import { admit } from './admission.js';
import { decodeObject, deepCopy, encodeObject, sameObject } from './codec.js';
import { keyOf, type ResourceContext } from './context.js';

/** The finalizer the garbage collector acts on for propagationPolicy Orphan. */
export const FINALIZER_ORPHAN = 'orphan';
/** The finalizer the garbage collector acts on for propagationPolicy Foreground. */
export const FINALIZER_FOREGROUND = 'foregroundDeletion';


const policies = ['Foreground', 'Background', 'Orphan'];

function validateDeleteOptions(opts: DeleteOptions): void {
  const errs: FieldError[] = [];
  if (opts.propagationPolicy !== undefined && !policies.includes(opts.propagationPolicy)) {
    errs.push(fieldError('FieldValueNotSupported', 'propagationPolicy', `"${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`));
  }
  for (const d of opts.dryRun ?? []) {
    if (d !== 'All') errs.push(fieldError('FieldValueNotSupported', 'dryRun', `"${d}": supported values: "All"`));
  }
  if (errs.length) throw invalid('DeleteOptions', 'meta.k8s.io', '', errs);
}

function checkPreconditions(ctx: ResourceContext, obj: KubeObject, opts: DeleteOptions): void {
  const pre = opts.preconditions;
  const { name, uid, resourceVersion } = obj.metadata;
  if (pre?.uid && pre.uid !== uid) {
    throw conflict(ctx.resource, name!, `the UID in the precondition (${pre.uid}) does not match the UID in record (${uid}). The object might have been deleted and then recreated`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== resourceVersion) {
    throw conflict(ctx.resource, name!, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${resourceVersion}). The object might have been modified`);
  }
}

/** kube's deletionFinalizersForGarbageCollection: the explicit policy, else the finalizers already there, decide. */
function gcFinalizers(current: readonly string[], policy: DeleteOptions['propagationPolicy']): string[] {
  const orphan = policy ? policy === 'Orphan' : current.includes(FINALIZER_ORPHAN);
  const foreground = policy ? policy === 'Foreground' : !orphan && current.includes(FINALIZER_FOREGROUND);
  const out = current.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (orphan) out.push(FINALIZER_ORPHAN);
  if (foreground) out.push(FINALIZER_FOREGROUND);
  return out;
}

type GracefulDecision = { kind: 'none' } | { kind: 'pending' } | { kind: 'graceful'; period: number };

/** kube's rest.BeforeDelete: starts, shortens or leaves alone a graceful deletion (mutates obj). */
function beforeDelete(ctx: ResourceContext, obj: KubeObject, opts: DeleteOptions, now: number): GracefulDecision {
  const hook = ctx.kind.gracefulDeletion;
  if (!hook) return { kind: 'none' };
  const meta = obj.metadata;
  const requested = opts.gracePeriodSeconds === undefined ? undefined : opts.gracePeriodSeconds < 0 ? 1 : opts.gracePeriodSeconds;
  if (meta.deletionTimestamp) {
    const current = meta.deletionGracePeriodSeconds;
    if (!current) return { kind: 'none' };
    if (requested === undefined || requested >= current) return { kind: 'pending' };
    // Only a shorter grace period may be asked for: move the deadline earlier.
    const deadline = Date.parse(meta.deletionTimestamp) - current * 1000 + requested * 1000;
    meta.deletionTimestamp = rfc3339(deadline);
    meta.deletionGracePeriodSeconds = requested;
    return { kind: 'graceful', period: requested };
  }
  const period = hook.call(ctx.kind, deepCopy(obj), { ...opts, gracePeriodSeconds: requested });
  if (period === undefined) return { kind: 'none' };
  const p = Math.max(0, period);
  meta.deletionTimestamp = rfc3339(now + p * 1000);
  meta.deletionGracePeriodSeconds = p;
  if ((meta.generation ?? 0) > 0) meta.generation = meta.generation! + 1;
  return { kind: 'graceful', period: p };
}

/** kube's markAsDeleting: deletionTimestamp (now, unless already earlier), grace 0, generation bumped once. */
function markAsDeleting(obj: KubeObject, now: number): void {
  const meta = obj.metadata;
  if (!meta.deletionTimestamp && (meta.generation ?? 0) > 0) meta.generation = meta.generation! + 1;
  if (!meta.deletionTimestamp || Date.parse(meta.deletionTimestamp) > now) meta.deletionTimestamp = rfc3339(now);
  meta.deletionGracePeriodSeconds = 0;
}

function setFinalizers(obj: KubeObject, finalizers: string[]): void {
  if (finalizers.length) obj.metadata.finalizers = finalizers;
  else if (obj.metadata.finalizers?.length) delete obj.metadata.finalizers;
}

function successStatus(ctx: ResourceContext, obj: KubeObject): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata.name!, group: ctx.kind.group, kind: ctx.kind.plural, uid: obj.metadata.uid },
    code: 200,
  };
}

/**
 * DELETE as kube-apiserver's generic store does it: preconditions, admission, graceful deletion
 * for kinds that opt in, propagation-policy finalizers, and finalizers (metadata.finalizers and
 * the kind's extraFinalizers) that turn the delete into setting deletionTimestamp (then the
 * kind's beginDeletion runs on the stored copy). Returns the object while deletion is pending, else a Success Status.
 *
 * The "orphan" and "foregroundDeletion" finalizers are only recorded here; the garbage collector
 * that acts on them and removes them is a separate controller. A graceful deletion that resolves
 * to 0 seconds deletes at once (kube first writes deletionTimestamp, then deletes; watchers here
 * see only the DELETED event).
 */
export async function deleteObject<T extends KubeObject>(ctx: ResourceContext, name: string, opts: DeleteOptions & { namespace?: string } = {}): Promise<T | Status> {
  validateDeleteOptions(opts);
  const key = keyOf(ctx, opts.namespace, name);
  const dryRun = (opts.dryRun?.length ?? 0) > 0;
  for (;;) {
    const kv = await ctx.store.get(key);
    if (!kv) throw notFound(ctx.resource, name);
    const obj = decodeObject<T>(kv);
    checkPreconditions(ctx, obj, opts);
    await admit(ctx, { operation: 'DELETE', phase: 'mutate', object: obj, oldObject: obj, dryRun });
    await admit(ctx, { operation: 'DELETE', phase: 'validate', object: obj, oldObject: obj, dryRun });

    const now = ctx.clock.now();
    const next = deepCopy(obj);
    const graceful = beforeDelete(ctx, next, opts, now);
    // A graceful deletion in progress: nothing changes, not even finalizers.
    if (graceful.kind === 'pending') return obj;
    const finalizers = gcFinalizers(obj.metadata.finalizers ?? [], opts.propagationPolicy);
    let deleteNow: boolean;
    if (finalizers.length > 0 || (ctx.kind.extraFinalizers?.(obj).length ?? 0) > 0) {
      setFinalizers(next, finalizers);
      if (graceful.kind === 'none') markAsDeleting(next, now);
      ctx.kind.beginDeletion?.(next);
      deleteNow = false;
    } else {
      setFinalizers(next, finalizers);
      deleteNow = graceful.kind === 'none' || graceful.period === 0;
    }
    try {
      if (!deleteNow) {
        if (sameObject(next, obj)) return obj;
        if (dryRun) return next;
        return decodeObject<T>(await ctx.store.update(key, encodeObject(next), kv.modRevision));
      }
      if (dryRun) return successStatus(ctx, obj);
      await ctx.store.delete(key, kv.modRevision);
      return successStatus(ctx, obj);
    } catch (err) {
      // Changed under us: start over against the newest object (preconditions are checked again).
      if (err instanceof RevisionMismatchError) continue;
      if (err instanceof KeyNotFoundError) throw notFound(ctx.resource, name);
      throw err;
    }
  }
}
