import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  ApiError,
  badRequest,
  type DeleteOptions,
  type KindDefinition,
  kindApiVersion,
  type KubeList,
  type KubeObject,
  notFound,
  optimisticConflict,
  type Status,
} from '@keelson/api';
import type { Client, DeleteCollectionOptions, ListOptions, PatchType, WatchHandle, WatchHandler, WatchOptions } from '../client/client.js';
import { type Clock, rfc3339 } from '../clock/clock.js';
import type { AdmissionPlugin } from '../plugins/contribution-points.js';
import { KeyExistsError, KeyNotFoundError, RevisionMismatchError, type Store } from '../store/store.js';
import { admit } from './admission.js';
import { decodeObject, deepCopy, encodeObject, sameObject, sameSpec, typedCopy } from './codec.js';
import { keyOf, namespaceOf, type ResourceContext } from './context.js';
import { deleteObject } from './delete.js';
import { objectStoreKey } from './keys.js';
import { listObjects, watchObjects } from './list-watch.js';
import { listFromCache, watchFromCache } from './watch-cache/cache-reads.js';
import { WatchCache, type WatchCacheOptions } from './watch-cache/watch-cache.js';
import { applyConfigurationOf } from './apply-request.js';
import { type FieldScope, recordUpdate, serverSideApply } from './managed-fields/index.js';
import { applyPatch } from './patch.js';
import { type PatchMetaLookup, schemaPatchMeta } from './strategic-merge.js';
import { checkPatchedShape, immutableField, validateObject } from './validate.js';

export interface WriteCallOptions {
  namespace?: string;
  dryRun?: boolean;
  /** Who writes, for metadata.managedFields (required for an apply). */
  fieldManager?: string;
  /** Server-side apply: take over fields other managers own. */
  force?: boolean;
}

/** The manager of in-process writes that name none (kube-apiserver uses the User-Agent's product). */
export const DEFAULT_FIELD_MANAGER = 'keelson';

interface UpdateCall {
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

export interface ResourceStoreDeps {
  store: Store;
  clock: Clock;
  admission: readonly AdmissionPlugin[];
  /** The client handed to admission plugins. */
  client?: () => Client | undefined;
  /** Serve LIST and WATCH from a watch cache (the default); false reads the store for every request. */
  watchCache?: WatchCacheOptions | false;
}

const nameChars = 'bcdfghjklmnpqrstvwxz2456789';
/** kube's names.SimpleNameGenerator: 5 characters that cannot spell words. */
export function randomNameSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += nameChars[Math.floor(Math.random() * nameChars.length)];
  return s;
}

/** How many times a create with generateName draws a new name after a collision (kube: 8 attempts in all). */
const GENERATE_NAME_RETRIES = 7;

/**
 * Kubernetes object semantics for one kind over the Store (kube-apiserver's generic registry):
 * names and generateName, uid, timestamps, resourceVersion concurrency, generation, the status
 * subresource, finalizers and deletion, admission, selectors, pagination and watch. Every object
 * in or out is a copy.
 */
export class ResourceStore {
  readonly resource: { group: string; resource: string };
  private readonly ctx: ResourceContext;
  private readonly patchMeta: PatchMetaLookup;
  /** LIST and WATCH are served from here (undefined: from the store). */
  readonly cache?: WatchCache;

  constructor(
    readonly kind: KindDefinition,
    deps: ResourceStoreDeps,
  ) {
    this.resource = { group: kind.group, resource: kind.plural };
    this.ctx = { kind, resource: this.resource, store: deps.store, clock: deps.clock, admission: deps.admission, client: deps.client };
    this.patchMeta = schemaPatchMeta(kind.schema);
    if (deps.watchCache !== false) {
      this.cache = new WatchCache(kind, deps.store, deps.clock, deps.watchCache ?? {});
      // Started before this kind's first write, so its window holds every change made through here.
      this.cache.start().catch(() => {});
    }
  }

  /** Stops the watch cache (its store watch); LIST and WATCH read the store afterwards. */
  close(): void {
    this.cache?.close();
  }

  /** Waits for the watch cache's start before the first write (a failed start is retried by the next read). */
  private async primed(): Promise<void> {
    if (this.cache && !this.cache.started) await this.cache.start().catch(() => {});
  }

  // ---- reads -------------------------------------------------------------------------------

  async get<T extends KubeObject = KubeObject>(name: string, namespace?: string): Promise<T> {
    const kv = await this.ctx.store.get(keyOf(this.ctx, namespace, name));
    if (!kv) throw notFound(this.resource, name);
    return decodeObject<T>(kv);
  }

  list<T extends KubeObject = KubeObject>(opts: ListOptions = {}): Promise<KubeList<T>> {
    if (this.cache && !this.cacheClosed()) return listFromCache<T>(this.cache, this.kind, this.ctx.store, opts);
    return listObjects<T>(this.kind, this.ctx.store, opts);
  }

  watch<T extends KubeObject = KubeObject>(opts: WatchOptions, handler: WatchHandler<T>): Promise<WatchHandle> {
    if (this.cache && !this.cacheClosed()) return watchFromCache<T>(this.cache, this.kind, this.ctx.store, this.ctx.clock, opts, handler);
    return watchObjects<T>(this.kind, this.ctx.store, this.ctx.clock, opts, handler);
  }

  private cacheClosed(): boolean {
    return this.cache?.closed ?? true;
  }

  // ---- create ------------------------------------------------------------------------------

  async create<T extends KubeObject>(input: T, opts: WriteCallOptions & { applied?: boolean } = {}): Promise<T> {
    await this.primed();
    const obj = typedCopy(this.kind, input);
    const meta = obj.metadata;
    if (this.kind.namespaced) {
      if (opts.namespace && meta.namespace && opts.namespace !== meta.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = meta.namespace || opts.namespace;
      if (!meta.namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
    } else {
      // As kube-apiserver's BeforeCreate: a cluster-scoped object has no namespace, whatever was sent.
      delete meta.namespace;
    }
    const generated = !meta.name && !!meta.generateName;
    if (generated) meta.name = meta.generateName + randomNameSuffix();
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.ctx.clock.now());
    if (this.kind.tracksGeneration === false) delete meta.generation;
    else meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    this.kind.defaults?.(obj);
    this.kind.prepareForCreate?.(obj);
    const dryRun = !!opts.dryRun;
    await admit(this.ctx, { operation: 'CREATE', phase: 'mutate', object: obj, dryRun });
    if (!opts.applied) meta.managedFields = recordUpdate(undefined, obj, this.writer(opts.fieldManager, 'Update'), this.patchMeta, this.scope());
    validateObject(this.ctx, obj, undefined, { requestedName: input.metadata?.name, generated });
    await admit(this.ctx, { operation: 'CREATE', phase: 'validate', object: obj, dryRun });

    for (let attempt = 0; ; attempt++) {
      const key = objectStoreKey(this.kind, meta.namespace, meta.name!);
      try {
        if (dryRun) {
          if (await this.ctx.store.get(key)) throw new KeyExistsError(key);
          return obj;
        }
        return decodeObject<T>(await this.ctx.store.create(key, encodeObject(obj)));
      } catch (err) {
        if (!(err instanceof KeyExistsError)) throw err;
        // A generated name that collided gets a new suffix (kube's RetryGenerateName).
        if (generated && attempt < GENERATE_NAME_RETRIES) {
          meta.name = meta.generateName + randomNameSuffix();
          continue;
        }
        const e = alreadyExists(this.resource, meta.name!);
        const existing = await this.ctx.store.get(key);
        if (existing && decodeObject(existing).metadata.deletionTimestamp) {
          throw new ApiError(409, 'AlreadyExists', `object is being deleted: ${e.message}`, e.status.details);
        }
        throw e;
      }
    }
  }

  // ---- update ------------------------------------------------------------------------------

  /**
   * PUT: with metadata.resourceVersion set, a 409 Conflict unless it is the current one; without,
   * an unconditional update against the newest object. System fields are kept from the stored
   * object; with a status subresource the stored status is kept too.
   */
  update<T extends KubeObject>(input: T, opts: WriteCallOptions = {}): Promise<T> {
    const call = { name: input.metadata?.name ?? '', namespace: opts.namespace ?? input.metadata?.namespace, dryRun: opts.dryRun, expectedRv: input.metadata?.resourceVersion, fieldManager: opts.fieldManager };
    return this.guaranteedUpdate<T>(call, (old) => this.prepareUpdate(input, old));
  }

  /** PUT on /status: only status changes (metadata and spec are kept from the stored object). */
  async updateStatus<T extends KubeObject>(input: T, opts: WriteCallOptions = {}): Promise<T> {
    this.requireSubresource('status');
    const call = { name: input.metadata?.name ?? '', namespace: opts.namespace ?? input.metadata?.namespace, dryRun: opts.dryRun, expectedRv: input.metadata?.resourceVersion, subresource: 'status', fieldManager: opts.fieldManager };
    return this.guaranteedUpdate<T>(call, (old) => withStatusOf(old, input));
  }

  /**
   * PATCH: the patch is applied to the current object and the result goes through the update path;
   * a patch that pins metadata.resourceVersion gets a 409 if it is stale, any other is retried on
   * conflicts. On the "status" subresource only the patched status is kept.
   */
  async patch<T extends KubeObject>(name: string, type: PatchType, patch: unknown, opts: WriteCallOptions & { subresource?: string } = {}): Promise<T> {
    if (opts.subresource) this.requireSubresource(opts.subresource);
    if (type === 'apply') return this.apply<T>(name, patch, opts);
    return this.guaranteedUpdate<T>(
      { name, namespace: opts.namespace, dryRun: opts.dryRun, subresource: opts.subresource, fieldManager: opts.fieldManager },
      (old) => {
        const patched = applyPatch(old, type, patch, this.patchMeta) as T;
        checkPatchedShape(this.ctx, name, patched);
        if (!patched || typeof patched !== 'object' || !patched.metadata) throw badRequest('the patch removed the object metadata');
        if (patched.metadata.resourceVersion !== old.metadata.resourceVersion) throw optimisticConflict(this.resource, name);
        if (patched.metadata.name !== name) throw badRequest(`the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${name})`);
        return opts.subresource === 'status' ? withStatusOf(old, patched) : this.prepareUpdate(patched, old);
      },
    );
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml): the configuration is merged into the
   * live object with field ownership (see serverSideApply); a missing object is created.
   */
  /**
   * POST on a subresource the kind serves that way (pods/binding): the body is applied to the
   * newest object by the kind's handler; the answer is a Success Status with code 201.
   */
  async postSubresource(name: string, subresource: string, body: KubeObject, opts: WriteCallOptions = {}): Promise<Status> {
    const handler = this.kind.subresources?.post?.[subresource];
    if (!handler) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${this.kind.plural}/${subresource} is not served)`);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`the request body must be a ${handler.requestKind.kind}`);
    const success: Status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 };
    if (handler.handle) {
      const client = this.ctx.client?.();
      if (!client) throw new Error(`${this.kind.plural}/${subresource} needs a client: set registry.admissionClient`);
      const call = { name, namespace: namespaceOf(this.ctx, opts.namespace), body, dryRun: !!opts.dryRun, fieldManager: opts.fieldManager, now: this.ctx.clock.now(), services: { client } };
      return (await handler.handle(call)) ?? success;
    }
    if (!handler.apply) throw new Error(`${this.kind.plural}/${subresource} has neither apply nor handle`);
    const apply = handler.apply;
    await this.guaranteedUpdate<KubeObject>(
      { name, namespace: opts.namespace, dryRun: opts.dryRun, subresource, fieldManager: opts.fieldManager, skipKindValidation: true },
      (old) => apply(old, body, { name, now: this.ctx.clock.now() }),
    );
    return success;
  }

  private async apply<T extends KubeObject>(name: string, body: unknown, opts: WriteCallOptions & { subresource?: string }): Promise<T> {
    const config = applyConfigurationOf(this.kind, name, opts.namespace, body, opts.fieldManager);
    const id = this.writer(opts.fieldManager, 'Apply', opts.subresource);
    const applyOpts = { id, force: !!opts.force, meta: this.patchMeta, scope: this.scope(opts.subresource) };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.guaranteedUpdate<T>({ name, namespace: opts.namespace, dryRun: opts.dryRun, subresource: opts.subresource, applied: true }, (old) => {
          if (config.metadata.resourceVersion && config.metadata.resourceVersion !== old.metadata.resourceVersion) throw optimisticConflict(this.resource, name);
          const { object, managedFields } = serverSideApply(old, config, applyOpts);
          const next = (opts.subresource === 'status' ? withStatusOf(old, object) : this.prepareUpdate(object as T, old)) as T;
          next.metadata.managedFields = managedFields;
          return next;
        });
      } catch (err) {
        // Apply creates what does not exist yet (not through a subresource).
        if (!(err instanceof ApiError && err.code === 404) || opts.subresource || attempt > 0) throw err;
      }
      const { object, managedFields } = serverSideApply(undefined, config, applyOpts);
      object.metadata.managedFields = managedFields;
      try {
        return await this.create<T>(object as T, { namespace: opts.namespace, dryRun: opts.dryRun, applied: true });
      } catch (err) {
        // Created meanwhile by someone else: apply to it.
        if (!(err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists')) throw err;
      }
    }
  }

  /** The managedFields identity of a write. */
  private writer(fieldManager: string | undefined, operation: 'Apply' | 'Update', subresource?: string) {
    return { manager: fieldManager || DEFAULT_FIELD_MANAGER, operation, apiVersion: kindApiVersion(this.kind), subresource, time: rfc3339(this.ctx.clock.now()) };
  }

  /** The fields a write on the resource (or its status) manages. */
  private scope(subresource?: string): FieldScope {
    if (subresource === 'status') return 'status';
    if (subresource && this.kind.subresources?.post?.[subresource]) return 'all';
    return this.kind.subresources?.status ? 'no-status' : 'all';
  }

  private requireSubresource(subresource: string): void {
    if (subresource === 'status' && this.kind.subresources?.status) return;
    throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${this.kind.plural}/${subresource} is not served)`);
  }

  /** Builds the object a main-resource update stores, from the input and the current object. */
  private prepareUpdate<T extends KubeObject>(input: T, old: T): T {
    const obj = typedCopy(this.kind, input);
    const meta = obj.metadata;
    const o = old.metadata;
    if (meta.name !== o.name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${o.name})`);
    if (this.kind.namespaced && meta.namespace && meta.namespace !== o.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (meta.uid && meta.uid !== o.uid) immutableField(this.ctx, o.name!, 'metadata.uid', meta.uid);
    if (this.kind.namespaced) meta.namespace = o.namespace;
    else delete meta.namespace;
    // Fields the system owns.
    meta.uid = o.uid;
    meta.creationTimestamp = o.creationTimestamp;
    copyOrDelete(meta, o, 'generation');
    copyOrDelete(meta, o, 'deletionTimestamp');
    copyOrDelete(meta, o, 'deletionGracePeriodSeconds');
    copyOrDelete(meta, o, 'generateName');
    if (this.kind.subresources?.status) copyOrDelete(obj as KubeObject, old as KubeObject, 'status');
    this.kind.defaults?.(obj);
    this.kind.prepareForUpdate?.(obj, old);
    return obj;
  }

  /**
   * Read-modify-write with compare-and-swap (etcd3 GuaranteedUpdate). With a resourceVersion from
   * the caller, a mismatch is a 409 Conflict; without one, the write is retried against the newest
   * object. A write that changes nothing is not stored (the stored object comes back).
   */
  private async guaranteedUpdate<T extends KubeObject>(call: UpdateCall, mutate: (old: T) => T): Promise<T> {
    const { name, expectedRv, subresource } = call;
    const key = keyOf(this.ctx, call.namespace, name);
    const dryRun = !!call.dryRun;
    await this.primed();
    for (;;) {
      const kv = await this.ctx.store.get(key);
      if (!kv) throw notFound(this.resource, name);
      const old = decodeObject<T>(kv);
      if (expectedRv && expectedRv !== old.metadata.resourceVersion) throw optimisticConflict(this.resource, name);
      // mutate gets its own decoding of the stored object, which it may change and return.
      const next = mutate(decodeObject<T>(kv));
      next.metadata.resourceVersion = old.metadata.resourceVersion;
      await admit(this.ctx, { operation: 'UPDATE', phase: 'mutate', object: next, oldObject: old, dryRun, subresource });
      if (!call.applied) next.metadata.managedFields = recordUpdate(old, next, this.writer(call.fieldManager, 'Update', subresource), this.patchMeta, this.scope(subresource));
      // Anything outside metadata and status changed: a new generation (never on /status).
      if (old.metadata.generation === undefined) delete next.metadata.generation;
      else next.metadata.generation = old.metadata.generation;
      if (!subresource && this.kind.tracksGeneration !== false && !sameSpec(next, old)) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
      validateObject(this.ctx, next, old, { statusOnly: subresource === 'status', skipKind: call.skipKindValidation });
      await admit(this.ctx, { operation: 'UPDATE', phase: 'validate', object: next, oldObject: old, dryRun, subresource });
      try {
        if (this.shouldDeleteDuringUpdate(next, old)) {
          // The last finalizer is gone from an object being deleted: delete it now.
          if (dryRun) return next;
          const gone = await this.ctx.store.delete(key, kv.modRevision);
          next.metadata.resourceVersion = String(gone.modRevision);
          return next;
        }
        if (sameObject(next, old)) return old;
        if (dryRun) return next;
        return decodeObject<T>(await this.ctx.store.update(key, encodeObject(next), kv.modRevision));
      } catch (err) {
        if (err instanceof RevisionMismatchError) {
          if (expectedRv) throw optimisticConflict(this.resource, name);
          continue;
        }
        if (err instanceof KeyNotFoundError) throw notFound(this.resource, name);
        throw err;
      }
    }
  }

  /** kube's ShouldDeleteDuringUpdate: no finalizers left on an object deleted with no grace period pending. */
  private shouldDeleteDuringUpdate(next: KubeObject, old: KubeObject): boolean {
    if (next.metadata.finalizers?.length || this.kind.extraFinalizers?.(next).length) return false;
    if (!old.metadata.deletionTimestamp) return false;
    return !old.metadata.deletionGracePeriodSeconds;
  }

  // ---- delete ------------------------------------------------------------------------------

  /**
   * DELETE on the collection (kube's DeleteCollection): every object the selectors match is
   * deleted with the same options; objects gone meanwhile are skipped. Returns the deleted
   * objects (those still pending deletion as they are now) as a list.
   */
  async deleteCollection<T extends KubeObject = KubeObject>(opts: DeleteCollectionOptions = {}): Promise<KubeList<T>> {
    const { namespace, labelSelector, fieldSelector, ...deleteOpts } = opts;
    const list = await this.list<T>({ namespace, labelSelector, fieldSelector });
    const items: T[] = [];
    for (const item of list.items) {
      try {
        const out = await this.delete<T>(item.metadata.name!, { ...deleteOpts, namespace: item.metadata.namespace });
        items.push((out as KubeObject).kind === 'Status' ? item : (out as T));
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return { ...list, metadata: { resourceVersion: list.metadata.resourceVersion }, items };
  }

  /** DELETE (see deleteObject). DeleteOptions.dryRun is kube's ["All"]. */
  async delete<T extends KubeObject = KubeObject>(name: string, opts: DeleteOptions & { namespace?: string } = {}): Promise<T | Status> {
    await this.primed();
    return deleteObject<T>(this.ctx, name, opts);
  }
}

/**
 * The stored object with only its status taken from the input (a status write). `current` is the
 * update's own copy of the stored object (see guaranteedUpdate), changed in place.
 */
function withStatusOf<T extends KubeObject>(current: T, input: KubeObject): T {
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
