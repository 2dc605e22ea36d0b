import type { DeleteOptions, KindRef, KubeList, KubeObject, Status } from '@keelson/api';
import type { Registry } from '../registry/registry.js';
import type {
  Client,
  DeleteCallOptions,
  DeleteCollectionOptions,
  GetOptions,
  ListOptions,
  PatchType,
  ResourceClient,
  WatchHandle,
  WatchHandler,
  WatchOptions,
  WriteOptions,
} from './client.js';

function kindOf(obj: KubeObject, explicit?: KindRef): KindRef {
  if (explicit) return explicit;
  if (!obj.apiVersion || !obj.kind) throw new TypeError('the object has no apiVersion/kind: pass opts.kind');
  return { apiVersion: obj.apiVersion, kind: obj.kind };
}

/**
 * The Client over the registry in the same process: every call goes through the same object
 * semantics the HTTP API server uses; objects are copies, never shared. Every failure is a
 * rejected promise (an ApiError, or a TypeError for an object without apiVersion/kind); watch
 * handlers run after the write that caused the event has returned, in revision order.
 */
export class InProcessClient implements Client {
  constructor(readonly registry: Registry) {
    registry.admissionClient ??= this;
  }

  async get<T extends KubeObject = KubeObject>(kind: KindRef, name: string, opts: GetOptions = {}): Promise<T> {
    return this.registry.resourceStore(kind).get<T>(name, opts.namespace);
  }

  async list<T extends KubeObject = KubeObject>(kind: KindRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.registry.resourceStore(kind).list<T>(opts);
  }

  async watch<T extends KubeObject = KubeObject>(kind: KindRef, opts: WatchOptions, handler: WatchHandler<T>): Promise<WatchHandle> {
    return this.registry.resourceStore(kind).watch<T>(opts, handler);
  }

  async create<T extends KubeObject>(obj: T, opts: WriteOptions & { namespace?: string; kind?: KindRef } = {}): Promise<T> {
    return this.registry.resourceStore(kindOf(obj, opts.kind)).create(obj, { namespace: opts.namespace, dryRun: opts.dryRun, fieldManager: opts.fieldManager });
  }

  async update<T extends KubeObject>(obj: T, opts: WriteOptions & { kind?: KindRef } = {}): Promise<T> {
    return this.registry.resourceStore(kindOf(obj, opts.kind)).update(obj, { dryRun: opts.dryRun, fieldManager: opts.fieldManager });
  }

  async updateStatus<T extends KubeObject>(obj: T, opts: WriteOptions & { kind?: KindRef } = {}): Promise<T> {
    return this.registry.resourceStore(kindOf(obj, opts.kind)).updateStatus(obj, { dryRun: opts.dryRun, fieldManager: opts.fieldManager });
  }

  async patch<T extends KubeObject = KubeObject>(
    kind: KindRef,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions & { namespace?: string; subresource?: string } = {},
  ): Promise<T> {
    return this.registry.resourceStore(kind).patch<T>(name, type, patch, { namespace: opts.namespace, dryRun: opts.dryRun, subresource: opts.subresource, fieldManager: opts.fieldManager, force: opts.force });
  }

  async delete<T extends KubeObject = KubeObject>(kind: KindRef, name: string, opts: DeleteCallOptions = {}): Promise<T | Status> {
    return this.registry.resourceStore(kind).delete<T>(name, opts);
  }

  async deleteCollection<T extends KubeObject = KubeObject>(kind: KindRef, opts: DeleteCollectionOptions = {}): Promise<KubeList<T>> {
    return this.registry.resourceStore(kind).deleteCollection<T>(opts);
  }

  async postSubresource(kind: KindRef, name: string, subresource: string, body: KubeObject, opts: WriteOptions & { namespace?: string } = {}): Promise<Status> {
    return this.registry.resourceStore(kind).postSubresource(name, subresource, body, { namespace: opts.namespace, dryRun: opts.dryRun, fieldManager: opts.fieldManager });
  }

  resource<T extends KubeObject = KubeObject>(kind: KindRef, namespace?: string): ResourceClient<T> {
    return bindResource<T>(this, kind, namespace);
  }
}

/** A ResourceClient view of any Client (shared by every transport). */
export function bindResource<T extends KubeObject>(client: Client, kind: KindRef, namespace?: string): ResourceClient<T> {
  const ns = namespace;
  return {
    get: (name, opts = {}) => client.get<T>(kind, name, { ...opts, namespace: ns }),
    list: (opts = {}) => client.list<T>(kind, { ...opts, namespace: ns }),
    watch: (opts, handler) => client.watch<T>(kind, { ...opts, namespace: ns }, handler),
    create: (obj, opts = {}) => client.create<T>(obj, { ...opts, namespace: ns, kind }),
    update: (obj, opts = {}) => client.update<T>(withNs(obj, ns), { ...opts, kind }),
    updateStatus: (obj, opts = {}) => client.updateStatus<T>(withNs(obj, ns), { ...opts, kind }),
    patch: (name, type, patch, opts = {}) => client.patch<T>(kind, name, type, patch, { ...opts, namespace: ns }),
    delete: (name, opts: DeleteOptions = {}) => client.delete<T>(kind, name, { ...opts, namespace: ns }),
    deleteCollection: (opts = {}) => client.deleteCollection<T>(kind, { ...opts, namespace: ns }),
    namespace: (other) => bindResource<T>(client, kind, other),
  };
}

function withNs<T extends KubeObject>(obj: T, ns: string | undefined): T {
  return ns && !obj.metadata.namespace ? { ...obj, metadata: { ...obj.metadata, namespace: ns } } : obj;
}
