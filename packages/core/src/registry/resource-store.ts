import { randomUUID } from 'node:crypto';
import { alreadyExists, ApiError, badRequest, type DeleteOptions, type KindDefinition, type KubeList, type KubeObject, notFound, optimisticConflict, type Status } from '@keelson/api';
import type { Client, DeleteCollectionOptions, ListOptions, PatchType, WatchHandle, WatchHandler, WatchOptions } from '../client/client.js';
import { type Clock, rfc3339 } from '../clock/clock.js';
import type { AdmissionPlugin } from '../plugins/contribution-points.js';
import { KeyExistsError, type Store } from '../store/store.js';
import { admit } from './admission.js';
import { decodeObject, encodeObject, typedCopy } from './codec.js';
import { keyOf, namespaceOf, type ResourceContext } from './context.js';
import { deleteObject } from './delete.js';
import { scopeOf, writerOf } from './field-manager.js';
import { objectStoreKey } from './keys.js';
import { listObjects, watchObjects } from './list-watch.js';
import { listFromCache, watchFromCache } from './watch-cache/cache-reads.js';
import { WatchCache, type WatchCacheOptions } from './watch-cache/watch-cache.js';
import { applyConfigurationOf } from './apply-request.js';
import { recordUpdate, serverSideApply } from './managed-fields/index.js';
import { applyPatch } from './patch.js';
import { schemaPatchMeta } from './strategic-merge.js';
import { guaranteedUpdate, prepareUpdate, type UpdateCall, withStatusOf } from './update.js';
import { checkPatchedShape, validateObject } from './validate.js';

export interface WriteCallOptions {
  namespace?: string;
  dryRun?: boolean;
  /** Who writes, for metadata.managedFields (required for an apply). */
  fieldManager?: string;
  /** Server-side apply: take over fields other managers own. */
  force?: boolean;
}

export { DEFAULT_FIELD_MANAGER } from './field-manager.js';

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
  /** LIST and WATCH are served from here (undefined: from the store). */
  readonly cache?: WatchCache;

  constructor(
    readonly kind: KindDefinition,
    deps: ResourceStoreDeps,
  ) {
    this.resource = { group: kind.group, resource: kind.plural };
    this.ctx = { kind, resource: this.resource, store: deps.store, clock: deps.clock, admission: deps.admission, client: deps.client, patchMeta: schemaPatchMeta(kind.schema) };
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
    if (!opts.applied) meta.managedFields = recordUpdate(undefined, obj, writerOf(this.ctx, opts.fieldManager, 'Update'), this.ctx.patchMeta, scopeOf(this.kind));
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
    return this.guaranteedUpdate<T>(call, (old) => prepareUpdate(this.ctx, input, old));
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
        const patched = applyPatch(old, type, patch, this.ctx.patchMeta) as T;
        checkPatchedShape(this.ctx, name, patched);
        if (!patched || typeof patched !== 'object' || !patched.metadata) throw badRequest('the patch removed the object metadata');
        if (patched.metadata.resourceVersion !== old.metadata.resourceVersion) throw optimisticConflict(this.resource, name);
        if (patched.metadata.name !== name) throw badRequest(`the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${name})`);
        return opts.subresource === 'status' ? withStatusOf(old, patched) : prepareUpdate(this.ctx, patched, old);
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
    const id = writerOf(this.ctx, opts.fieldManager, 'Apply', opts.subresource);
    const applyOpts = { id, force: !!opts.force, meta: this.ctx.patchMeta, scope: scopeOf(this.kind, opts.subresource) };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.guaranteedUpdate<T>({ name, namespace: opts.namespace, dryRun: opts.dryRun, subresource: opts.subresource, applied: true }, (old) => {
          if (config.metadata.resourceVersion && config.metadata.resourceVersion !== old.metadata.resourceVersion) throw optimisticConflict(this.resource, name);
          const { object, managedFields } = serverSideApply(old, config, applyOpts);
          const next = (opts.subresource === 'status' ? withStatusOf(old, object) : prepareUpdate(this.ctx, object as T, old)) as T;
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

  /** The update path (see guaranteedUpdate), once the watch cache has started. */
  private async guaranteedUpdate<T extends KubeObject>(call: UpdateCall, mutate: (old: T) => T): Promise<T> {
    await this.primed();
    return guaranteedUpdate(this.ctx, call, mutate);
  }

  private requireSubresource(subresource: string): void {
    if (subresource === 'status' && this.kind.subresources?.status) return;
    throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${this.kind.plural}/${subresource} is not served)`);
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
