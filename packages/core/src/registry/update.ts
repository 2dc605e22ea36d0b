/**
 * The update path of a ResourceStore (kube-apiserver's generic registry Update and etcd3
 * GuaranteedUpdate): read the stored object, let the caller mutate a copy, keep the fields the
 * system owns, count the generation, record field ownership, admit and validate, then
 * compare-and-swap (retried against the newest object unless the caller pinned a resourceVersion).
 */
import { badRequest, type KindDefinition, type KubeObject, notFound, optimisticConflict } from '@keelson/api';
import { KeyNotFoundError, RevisionMismatchError } from '../store/store.js';
import { admit } from './admission.js';
import { decodeObject, deepCopy, encodeObject, sameObject, sameSpec, typedCopy } from './codec.js';
import { keyOf, type ResourceContext } from './context.js';
import { scopeOf, writerOf } from './field-manager.js';
import { recordUpdate } from './managed-fields/index.js';
import { immutableField, validateObject } from './validate.js';

/** One update call: which object, and how the write is made. */
export interface UpdateCall {
  name: string;
  namespace: string | undefined;
  dryRun: boolean | undefined;
  /** metadata.resourceVersion the caller pinned (a mismatch is a 409). */
  expectedRv?: string;
  subresource?: string;
  fieldManager?: string;
  /** The mutation already computed managedFields (server-side apply). */
  applied?: boolean;
  /** A POST subresource changed the object: the kind's validate() does not run (the subresource checks what it changes). */
  skipKindValidation?: boolean;
}

/** Builds the object a main-resource update stores, from the input and the current object. */
export function prepareUpdate<T extends KubeObject>(ctx: ResourceContext, input: T, old: T): T {
  const obj = typedCopy(ctx.kind, input);
  const meta = obj.metadata;
  const o = old.metadata;
  if (meta.name !== o.name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${o.name})`);
  if (ctx.kind.namespaced && meta.namespace && meta.namespace !== o.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (meta.uid && meta.uid !== o.uid) immutableField(ctx, o.name!, 'metadata.uid', meta.uid);
  if (ctx.kind.namespaced) meta.namespace = o.namespace;
  else delete meta.namespace;
  // Fields the system owns.
  meta.uid = o.uid;
  meta.creationTimestamp = o.creationTimestamp;
  copyOrDelete(meta, o, 'generation');
  copyOrDelete(meta, o, 'deletionTimestamp');
  copyOrDelete(meta, o, 'deletionGracePeriodSeconds');
  copyOrDelete(meta, o, 'generateName');
  if (ctx.kind.subresources?.status) copyOrDelete(obj as KubeObject, old as KubeObject, 'status');
  ctx.kind.defaults?.(obj);
  ctx.kind.prepareForUpdate?.(obj, old);
  return obj;
}

/**
 * Read-modify-write with compare-and-swap (etcd3 GuaranteedUpdate). With a resourceVersion from
 * the caller, a mismatch is a 409 Conflict; without one, the write is retried against the newest
 * object. A write that changes nothing is not stored (the stored object comes back).
 */
export async function guaranteedUpdate<T extends KubeObject>(ctx: ResourceContext, call: UpdateCall, mutate: (old: T) => T): Promise<T> {
  const { name, expectedRv, subresource } = call;
  const key = keyOf(ctx, call.namespace, name);
  const dryRun = !!call.dryRun;
  for (;;) {
    const kv = await ctx.store.get(key);
    if (!kv) throw notFound(ctx.resource, name);
    const old = decodeObject<T>(kv);
    if (expectedRv && expectedRv !== old.metadata.resourceVersion) throw optimisticConflict(ctx.resource, name);
    // mutate gets its own decoding of the stored object, which it may change and return.
    const next = mutate(decodeObject<T>(kv));
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    await admit(ctx, { operation: 'UPDATE', phase: 'mutate', object: next, oldObject: old, dryRun, subresource });
    if (!call.applied) next.metadata.managedFields = recordUpdate(old, next, writerOf(ctx, call.fieldManager, 'Update', subresource), ctx.patchMeta, scopeOf(ctx.kind, subresource));
    // Anything outside metadata and status changed: a new generation (never on /status).
    if (old.metadata.generation === undefined) delete next.metadata.generation;
    else next.metadata.generation = old.metadata.generation;
    if (!subresource && ctx.kind.tracksGeneration !== false && !sameSpec(next, old)) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    validateObject(ctx, next, old, { statusOnly: subresource === 'status', skipKind: call.skipKindValidation });
    await admit(ctx, { operation: 'UPDATE', phase: 'validate', object: next, oldObject: old, dryRun, subresource });
    try {
      if (shouldDeleteDuringUpdate(ctx.kind, next, old)) {
        // The last finalizer is gone from an object being deleted: delete it now.
        if (dryRun) return next;
        const gone = await ctx.store.delete(key, kv.modRevision);
        next.metadata.resourceVersion = String(gone.modRevision);
        return next;
      }
      if (sameObject(next, old)) return old;
      if (dryRun) return next;
      return decodeObject<T>(await ctx.store.update(key, encodeObject(next), kv.modRevision));
    } catch (err) {
      if (err instanceof RevisionMismatchError) {
        if (expectedRv) throw optimisticConflict(ctx.resource, name);
        continue;
      }
      if (err instanceof KeyNotFoundError) throw notFound(ctx.resource, name);
      throw err;
    }
  }
}

/** kube's ShouldDeleteDuringUpdate: no finalizers left on an object deleted with no grace period pending. */
function shouldDeleteDuringUpdate(kind: KindDefinition, next: KubeObject, old: KubeObject): boolean {
  if (next.metadata.finalizers?.length || kind.extraFinalizers?.(next).length) return false;
  if (!old.metadata.deletionTimestamp) return false;
  return !old.metadata.deletionGracePeriodSeconds;
}

/**
 * The stored object with only its status taken from the input (a status write). `current` is the
 * update's own copy of the stored object (see guaranteedUpdate), changed in place.
 */
export function withStatusOf<T extends KubeObject>(current: T, input: KubeObject): T {
  const next = current as KubeObject;
  if (input.status === undefined) delete next.status;
  else next.status = deepCopy(input.status);
  return next as T;
}

/** Moves a field of the update's own copy of the stored object (see guaranteedUpdate) to the object being built. */
function copyOrDelete<O extends object>(target: O, source: O, field: keyof O): void {
  if (source[field] === undefined) delete target[field];
  else target[field] = source[field];
}
