import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  type DeleteOptions,
  fieldError,
  type FieldError,
  invalid,
  type KindDefinition,
  type KubeList,
  type KubeObject,
  notFound,
  optimisticConflict,
  type Status,
  validateLabels,
  validateObjectMetaName,
} from '@keelson/api';
import type { Client, ListOptions, PatchType, WatchHandle, WatchHandler, WatchOptions } from '../client/client.js';
import { type Clock, rfc3339 } from '../clock/clock.js';
import type { AdmissionPlugin, AdmissionRequest } from '../plugins/contribution-points.js';
import { KeyExistsError, KeyNotFoundError, RevisionMismatchError, type Store } from '../store/store.js';
import { decodeObject, encodeObject, specOf, typedCopy } from './codec.js';
import { objectStoreKey } from './keys.js';
import { listObjects, watchObjects } from './list-watch.js';
import { applyPatch } from './patch.js';
import { type PatchMetaLookup, schemaPatchMeta } from './strategic-merge.js';

export interface WriteCallOptions {
  namespace?: string;
  dryRun?: boolean;
}

export interface ResourceStoreDeps {
  store: Store;
  clock: Clock;
  admission: readonly AdmissionPlugin[];
  /** The client handed to admission plugins. */
  client?: () => Client | undefined;
}

const nameChars = 'bcdfghjklmnpqrstvwxz2456789';
function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += nameChars[Math.floor(Math.random() * nameChars.length)];
  return s;
}

/**
 * Kubernetes object semantics for one kind over the Store (kube-apiserver's generic registry):
 * names and generateName, uid, timestamps, resourceVersion concurrency, generation, the status
 * subresource, finalizers and deletion, admission, selectors, pagination and watch.
 */
export class ResourceStore {
  readonly resource: { group: string; resource: string };
  private readonly patchMeta: PatchMetaLookup;

  constructor(
    readonly kind: KindDefinition,
    private readonly deps: ResourceStoreDeps,
  ) {
    this.resource = { group: kind.group, resource: kind.plural };
    this.patchMeta = schemaPatchMeta(kind.schema);
  }

  // ---- reads -------------------------------------------------------------------------------

  async get<T extends KubeObject = KubeObject>(name: string, namespace?: string): Promise<T> {
    const ns = this.namespaceOf(namespace);
    const kv = await this.deps.store.get(objectStoreKey(this.kind, ns, name));
    if (!kv) throw notFound(this.resource, name);
    return decodeObject<T>(kv);
  }

  list<T extends KubeObject = KubeObject>(opts: ListOptions = {}): Promise<KubeList<T>> {
    return listObjects<T>(this.kind, this.deps.store, opts);
  }

  watch<T extends KubeObject = KubeObject>(opts: WatchOptions, handler: WatchHandler<T>): Promise<WatchHandle> {
    return watchObjects<T>(this.kind, this.deps.store, this.deps.clock, opts, handler);
  }

  // ---- create ------------------------------------------------------------------------------

  async create<T extends KubeObject>(input: T, opts: WriteCallOptions = {}): Promise<T> {
    const obj = typedCopy(this.kind, input);
    const meta = obj.metadata;
    if (this.kind.namespaced) {
      if (opts.namespace && meta.namespace && opts.namespace !== meta.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = meta.namespace || opts.namespace;
      if (!meta.namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
    } else {
      delete meta.namespace;
    }
    const generated = !meta.name && !!meta.generateName;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.deps.clock.now());
    meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    this.kind.defaults?.(obj);
    this.kind.prepareForCreate?.(obj);
    await this.admit('CREATE', obj, undefined, opts.dryRun, 'mutate');
    this.validate(obj, undefined, input.metadata?.name ?? '', generated);
    await this.admit('CREATE', obj, undefined, opts.dryRun, 'validate');

    const key = objectStoreKey(this.kind, meta.namespace, meta.name!);
    if (opts.dryRun) {
      if (await this.deps.store.get(key)) throw alreadyExists(this.resource, meta.name!);
      return obj;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        const kv = await this.deps.store.create(objectStoreKey(this.kind, meta.namespace, meta.name!), encodeObject(obj));
        return decodeObject<T>(kv);
      } catch (err) {
        if (!(err instanceof KeyExistsError)) throw err;
        // A generated name that collided gets a new suffix (as kube-apiserver retries).
        if (generated && attempt < 5) {
          meta.name = meta.generateName + randomSuffix();
          continue;
        }
        throw alreadyExists(this.resource, meta.name!);
      }
    }
  }

  // ---- update ------------------------------------------------------------------------------

  update<T extends KubeObject>(input: T, opts: WriteCallOptions = {}): Promise<T> {
    return this.guaranteedUpdate(input.metadata?.name ?? '', opts.namespace ?? input.metadata?.namespace, opts.dryRun, input.metadata?.resourceVersion, (old) =>
      this.prepareUpdate(input, old),
    );
  }

  updateStatus<T extends KubeObject>(input: T, opts: WriteCallOptions = {}): Promise<T> {
    return this.guaranteedUpdate(input.metadata?.name ?? '', opts.namespace ?? input.metadata?.namespace, opts.dryRun, input.metadata?.resourceVersion, (old) => {
      // A status write changes status only.
      const next = JSON.parse(JSON.stringify(old)) as KubeObject;
      if (input.status === undefined) delete next.status;
      else next.status = JSON.parse(JSON.stringify(input.status));
      return next as T;
    }, 'status');
  }

  async patch<T extends KubeObject>(name: string, type: PatchType, patch: unknown, opts: WriteCallOptions & { subresource?: string } = {}): Promise<T> {
    if (opts.subresource && opts.subresource !== 'status') throw new ApiError(404, 'NotFound', `${this.kind.plural}/${opts.subresource} is not a subresource of ${this.kind.plural}`);
    if (opts.subresource === 'status' && !this.kind.subresources?.status) throw new ApiError(404, 'NotFound', `${this.kind.plural}/status is not served`);
    let pinned: string | undefined;
    return this.guaranteedUpdate<T>(name, opts.namespace, opts.dryRun, undefined, (old) => {
      const patched = applyPatch(old, type, patch, this.patchMeta) as T;
      if (!patched || typeof patched !== 'object' || !patched.metadata) throw badRequest('the patch removed the object metadata');
      pinned = patched.metadata.resourceVersion !== old.metadata.resourceVersion ? patched.metadata.resourceVersion : undefined;
      if (pinned !== undefined) throw optimisticConflict(this.resource, name);
      if (patched.metadata.name !== name) throw badRequest(`the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${name})`);
      if (opts.subresource === 'status') {
        const next = JSON.parse(JSON.stringify(old)) as KubeObject;
        next.status = (patched as KubeObject).status;
        return next as T;
      }
      return this.prepareUpdate(patched, old);
    }, opts.subresource);
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
    meta.namespace = o.namespace;
    if (!this.kind.namespaced) delete meta.namespace;
    // Fields the system owns.
    meta.uid = o.uid;
    meta.creationTimestamp = o.creationTimestamp;
    meta.generation = o.generation;
    meta.deletionTimestamp = o.deletionTimestamp;
    meta.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    if (!meta.deletionTimestamp) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    if (!o.generateName) delete meta.generateName;
    else meta.generateName = o.generateName;
    if (this.kind.subresources?.status) {
      const o = obj as KubeObject;
      if ((old as KubeObject).status === undefined) delete o.status;
      else o.status = JSON.parse(JSON.stringify((old as KubeObject).status));
    }
    this.kind.defaults?.(obj);
    this.kind.prepareForUpdate?.(obj, old);
    return obj;
  }

  /**
   * Read-modify-write with compare-and-swap. With a resourceVersion from the caller, a mismatch is
   * a 409 Conflict; without one, the write is retried against the newest object.
   */
  private async guaranteedUpdate<T extends KubeObject>(
    name: string,
    namespace: string | undefined,
    dryRun: boolean | undefined,
    expectedRv: string | undefined,
    mutate: (old: T) => T,
    subresource?: string,
  ): Promise<T> {
    if (!name) throw badRequest('name is required');
    const ns = this.namespaceOf(namespace);
    const key = objectStoreKey(this.kind, ns, name);
    for (;;) {
      const kv = await this.deps.store.get(key);
      if (!kv) throw notFound(this.resource, name);
      const old = decodeObject<T>(kv);
      if (expectedRv && expectedRv !== old.metadata.resourceVersion) throw optimisticConflict(this.resource, name);
      const next = mutate(old);
      next.metadata.resourceVersion = old.metadata.resourceVersion;
      if (!subresource && specOf(next) !== specOf(old)) next.metadata.generation = (old.metadata.generation ?? 0) + 1;
      await this.admit('UPDATE', next, old, dryRun, 'mutate', subresource);
      if (!subresource) this.validate(next, old, name, false);
      await this.admit('UPDATE', next, old, dryRun, 'validate', subresource);
      if (encodeObject(next) === encodeObject(old)) return old;
      if (dryRun) return next;
      try {
        if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length && !this.kind.extraFinalizers?.(next).length) {
          // The last finalizer is gone from an object being deleted: delete it now.
          const gone = await this.deps.store.delete(key, kv.modRevision);
          const out = JSON.parse(JSON.stringify(next)) as T;
          out.metadata.resourceVersion = String(gone.modRevision);
          return out;
        }
        return decodeObject<T>(await this.deps.store.update(key, encodeObject(next), kv.modRevision));
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

  // ---- delete ------------------------------------------------------------------------------

  /** DeleteOptions.dryRun is kube's ["All"]; any non-empty list means a dry run. */
  async delete<T extends KubeObject = KubeObject>(name: string, opts: DeleteOptions & { namespace?: string } = {}): Promise<T | Status> {
    const ns = this.namespaceOf(opts.namespace);
    const key = objectStoreKey(this.kind, ns, name);
    const dryRun = (opts.dryRun?.length ?? 0) > 0;
    for (;;) {
      const kv = await this.deps.store.get(key);
      if (!kv) throw notFound(this.resource, name);
      const obj = decodeObject<T>(kv);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw conflict(this.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
        throw conflict(
          this.resource,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
        );
      }
      await this.admit('DELETE', obj, obj, dryRun, 'mutate');
      await this.admit('DELETE', obj, obj, dryRun, 'validate');

      // Propagation policies are finalizers the garbage collector acts on.
      const finalizers = [...(obj.metadata.finalizers ?? [])];
      const want = opts.propagationPolicy === 'Orphan' ? 'orphan' : opts.propagationPolicy === 'Foreground' ? 'foregroundDeletion' : undefined;
      if (want && !finalizers.includes(want)) finalizers.push(want);
      if (opts.propagationPolicy && opts.propagationPolicy !== 'Orphan') {
        const i = finalizers.indexOf('orphan');
        if (i >= 0) finalizers.splice(i, 1);
      }
      if (finalizers.length > 0 || (this.kind.extraFinalizers?.(obj).length ?? 0) > 0) {
        if (obj.metadata.deletionTimestamp && JSON.stringify(finalizers) === JSON.stringify(obj.metadata.finalizers ?? [])) return obj;
        const next = JSON.parse(JSON.stringify(obj)) as T;
        if (finalizers.length) next.metadata.finalizers = finalizers;
        next.metadata.deletionTimestamp ??= rfc3339(this.deps.clock.now());
        next.metadata.deletionGracePeriodSeconds ??= 0;
        this.kind.beginDeletion?.(next);
        if (dryRun) return next;
        try {
          return decodeObject<T>(await this.deps.store.update(key, encodeObject(next), kv.modRevision));
        } catch (err) {
          if (err instanceof RevisionMismatchError && !pre?.resourceVersion) continue;
          throw err;
        }
      }
      if (dryRun) return obj;
      try {
        await this.deps.store.delete(key, kv.modRevision);
      } catch (err) {
        if (err instanceof RevisionMismatchError && !pre?.resourceVersion) continue;
        if (err instanceof KeyNotFoundError) throw notFound(this.resource, name);
        throw err;
      }
      return {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, group: this.kind.group, kind: this.kind.plural, uid: obj.metadata.uid },
        code: 200,
      };
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private namespaceOf(namespace: string | undefined): string | undefined {
    if (!this.kind.namespaced) return undefined;
    if (!namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
    return namespace;
  }

  private validate(obj: KubeObject, old: KubeObject | undefined, requestedName: string, generated: boolean): void {
    const errs: FieldError[] = [];
    const meta = obj.metadata;
    if (!meta.name) errs.push(fieldError('FieldValueRequired', 'metadata.name', 'name or generateName is required'));
    else if (!old) {
      for (const m of validateObjectMetaName(meta.name)) errs.push(fieldError('FieldValueInvalid', 'metadata.name', `"${meta.name}": ${m}`));
      if (generated) {
        for (const m of validateObjectMetaName(meta.generateName!, true)) errs.push(fieldError('FieldValueInvalid', 'metadata.generateName', `"${meta.generateName}": ${m}`));
      }
    }
    for (const l of validateLabels(meta.labels)) {
      errs.push(fieldError('FieldValueInvalid', `metadata.labels`, `"${l.value ?? l.key}": ${l.message}`));
    }
    errs.push(...(this.kind.validate?.(obj, old) ?? []));
    if (errs.length) throw invalid(this.kind.kind, this.kind.group, meta.name || requestedName, errs);
  }

  private async admit(
    operation: AdmissionRequest['operation'],
    object: KubeObject,
    oldObject: KubeObject | undefined,
    dryRun: boolean | undefined,
    phase: 'mutate' | 'validate',
    subresource?: string,
  ): Promise<void> {
    const resource = `${this.kind.group}/${this.kind.plural}`;
    if (this.deps.admission.length === 0) return;
    const client = this.deps.client?.();
    if (!client) throw new Error('admission needs a client: set registry.admissionClient');
    for (const plugin of this.deps.admission) {
      const fn = phase === 'mutate' ? plugin.mutate : plugin.validate;
      if (!fn) continue;
      if (plugin.operations && !plugin.operations.includes(operation)) continue;
      if (plugin.resources && !plugin.resources.includes(resource)) continue;
      await fn.call(plugin, {
        operation,
        kind: this.kind,
        subresource,
        namespace: object.metadata.namespace,
        name: object.metadata.name ?? '',
        object,
        oldObject,
        dryRun: !!dryRun,
        client,
      });
    }
  }
}
