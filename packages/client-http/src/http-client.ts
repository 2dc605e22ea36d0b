import { badRequest, type DeleteOptions, type KindRef, type KubeList, type KubeObject, type Status } from '@keelson/api';
import {
  bindResource,
  type Client,
  type DeleteCallOptions,
  type DeleteCollectionOptions,
  type GetOptions,
  type KindRegistry,
  type ListOptions,
  type PatchType,
  type ResourceClient,
  type WatchHandle,
  type WatchHandler,
  type WatchOptions,
  type WriteOptions,
} from '@keelson/core';
import { type ConnectionConfig, loadKubeconfig } from './kubeconfig.js';
import { type ResourceInfo, ResourceResolver, resourcePath } from './resources.js';
import { Transport, type TransportOptions } from './transport.js';
import { openWatch } from './watch.js';

export interface HttpClientOptions extends TransportOptions {
  /**
   * The kinds this process knows (e.g. a cluster's KindRegistry, built from its plugins): their
   * REST paths need no discovery. Other kinds are resolved through the server's discovery.
   */
  kinds?: KindRegistry;
}

/** The media type of each patch type. */
export const patchContentTypes: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

function kindOf(obj: KubeObject, explicit?: KindRef): KindRef {
  if (explicit) return explicit;
  if (!obj?.apiVersion || !obj.kind) throw new TypeError('the object has no apiVersion/kind: pass opts.kind');
  return { apiVersion: obj.apiVersion, kind: obj.kind };
}

const apiVersionOf = (info: ResourceInfo) => (info.group ? `${info.group}/${info.version}` : info.version);

/** The object as sent: apiVersion and kind filled in from the resolved kind when missing. */
function typed<T extends KubeObject>(obj: T, info: ResourceInfo): T {
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion || apiVersionOf(info), kind: obj.kind || info.kind };
}

function writeQuery(opts: WriteOptions, apply = false): URLSearchParams {
  const q = new URLSearchParams();
  if (opts.dryRun) q.set('dryRun', 'All');
  if (opts.fieldManager) q.set('fieldManager', opts.fieldManager);
  if (apply && opts.force) q.set('force', 'true');
  return q;
}

function setIf(q: URLSearchParams, key: string, value: string | number | boolean | undefined): void {
  if (value !== undefined && value !== '') q.set(key, String(value));
}

/**
 * The Client over the Kubernetes REST API of an API server (Keelson's or any kube-apiserver),
 * for controllers and node agents that run in their own process. It behaves as the in-process
 * client does — same arguments, same results, the same ApiErrors (reason, code, message,
 * details) decoded from the server's Status replies, so isNotFound / isConflict checks work
 * unchanged — and it talks over one keep-alive agent. Watches stream newline-delimited JSON
 * events; reconnecting is the informer's job.
 */
export class HttpClient implements Client {
  readonly transport: Transport;
  readonly resolver: ResourceResolver;

  constructor(opts: HttpClientOptions) {
    this.transport = new Transport(opts);
    this.resolver = new ResourceResolver(this.transport, opts.kinds);
  }

  /** A client for a kubeconfig's context (path: explicit, else $KUBECONFIG, else ~/.kube/config). */
  static fromKubeconfig(path?: string, opts: Omit<HttpClientOptions, keyof ConnectionConfig> & { context?: string } = {}): HttpClient {
    const { context, ...rest } = opts;
    return new HttpClient({ ...loadKubeconfig(path, { context }), ...rest });
  }

  /** The server's /version (kubectl's first request). */
  version(): Promise<{ major: string; minor: string; gitVersion: string }> {
    return this.transport.json({ method: 'GET', path: '/version' });
  }

  async get<T extends KubeObject = KubeObject>(kind: KindRef, name: string, opts: GetOptions = {}): Promise<T> {
    const info = await this.resolver.resolve(kind);
    const query = new URLSearchParams();
    setIf(query, 'resourceVersion', opts.resourceVersion);
    return this.transport.json<T>({ method: 'GET', path: objectPath(info, opts.namespace, name), query });
  }

  async list<T extends KubeObject = KubeObject>(kind: KindRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    const info = await this.resolver.resolve(kind);
    const query = new URLSearchParams();
    setIf(query, 'labelSelector', opts.labelSelector);
    setIf(query, 'fieldSelector', opts.fieldSelector);
    setIf(query, 'limit', opts.limit);
    setIf(query, 'continue', opts.continue);
    setIf(query, 'resourceVersion', opts.resourceVersion);
    setIf(query, 'resourceVersionMatch', opts.resourceVersionMatch);
    return this.transport.json<KubeList<T>>({ method: 'GET', path: resourcePath(info, opts.namespace), query });
  }

  async watch<T extends KubeObject = KubeObject>(kind: KindRef, opts: WatchOptions, handler: WatchHandler<T>): Promise<WatchHandle> {
    const info = await this.resolver.resolve(kind);
    const query = new URLSearchParams({ watch: 'true' });
    setIf(query, 'labelSelector', opts.labelSelector);
    setIf(query, 'fieldSelector', opts.fieldSelector);
    if (opts.resourceVersion !== undefined) query.set('resourceVersion', opts.resourceVersion);
    if (opts.allowWatchBookmarks) query.set('allowWatchBookmarks', 'true');
    setIf(query, 'timeoutSeconds', opts.timeoutSeconds);
    if (opts.sendInitialEvents) {
      // kube-apiserver requires resourceVersionMatch=NotOlderThan with sendInitialEvents (as client-go sends it).
      query.set('sendInitialEvents', 'true');
      query.set('resourceVersionMatch', 'NotOlderThan');
    }
    return openWatch<T>(this.transport, { method: 'GET', path: resourcePath(info, opts.namespace), query }, handler);
  }

  async create<T extends KubeObject>(obj: T, opts: WriteOptions & { namespace?: string; kind?: KindRef } = {}): Promise<T> {
    const info = await this.resolver.resolve(kindOf(obj, opts.kind));
    const namespace = opts.namespace || obj.metadata?.namespace;
    if (info.namespaced && opts.namespace && obj.metadata?.namespace && opts.namespace !== obj.metadata.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const path = resourcePath(info, namespace);
    return this.transport.json<T>({ method: 'POST', path, query: writeQuery(opts), body: JSON.stringify(typed(obj, info)) });
  }

  update<T extends KubeObject>(obj: T, opts: WriteOptions & { kind?: KindRef } = {}): Promise<T> {
    return this.put(obj, opts);
  }

  updateStatus<T extends KubeObject>(obj: T, opts: WriteOptions & { kind?: KindRef } = {}): Promise<T> {
    return this.put(obj, opts, 'status');
  }

  private async put<T extends KubeObject>(obj: T, opts: WriteOptions & { kind?: KindRef }, subresource?: string): Promise<T> {
    const info = await this.resolver.resolve(kindOf(obj, opts.kind));
    const path = objectPath(info, obj.metadata?.namespace, obj.metadata?.name ?? '', subresource);
    return this.transport.json<T>({ method: 'PUT', path, query: writeQuery(opts), body: JSON.stringify(typed(obj, info)) });
  }

  async patch<T extends KubeObject = KubeObject>(
    kind: KindRef,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: WriteOptions & { namespace?: string; subresource?: string } = {},
  ): Promise<T> {
    const info = await this.resolver.resolve(kind);
    const contentType = patchContentTypes[type];
    if (!contentType) throw badRequest(`unknown patch type ${JSON.stringify(type)}`);
    const body = typeof patch === 'string' ? patch : JSON.stringify(patch);
    const path = objectPath(info, opts.namespace, name, opts.subresource);
    return this.transport.json<T>({ method: 'PATCH', path, query: writeQuery(opts, type === 'apply'), body, contentType });
  }

  async delete<T extends KubeObject = KubeObject>(kind: KindRef, name: string, opts: DeleteCallOptions = {}): Promise<T | Status> {
    const info = await this.resolver.resolve(kind);
    const { namespace, ...options } = opts;
    const path = objectPath(info, namespace, name);
    return this.transport.json<T | Status>({ method: 'DELETE', path, body: deleteOptionsBody(options) });
  }

  async deleteCollection<T extends KubeObject = KubeObject>(kind: KindRef, opts: DeleteCollectionOptions = {}): Promise<KubeList<T>> {
    const info = await this.resolver.resolve(kind);
    const { namespace, labelSelector, fieldSelector, ...options } = opts;
    const query = new URLSearchParams();
    setIf(query, 'labelSelector', labelSelector);
    setIf(query, 'fieldSelector', fieldSelector);
    return this.transport.json<KubeList<T>>({ method: 'DELETE', path: resourcePath(info, namespace), query, body: deleteOptionsBody(options) });
  }

  async postSubresource(kind: KindRef, name: string, subresource: string, body: KubeObject, opts: WriteOptions & { namespace?: string } = {}): Promise<Status> {
    const info = await this.resolver.resolve(kind);
    const path = objectPath(info, opts.namespace, name, subresource);
    return this.transport.json<Status>({ method: 'POST', path, query: writeQuery(opts), body: JSON.stringify(body) });
  }

  resource<T extends KubeObject = KubeObject>(kind: KindRef, namespace?: string): ResourceClient<T> {
    return bindResource<T>(this, kind, namespace);
  }

  /** Closes idle connections (open watches end when their handles are stopped). */
  close(): void {
    this.transport.close();
  }
}

/** One object's path, with the checks the in-process registry makes on a name and namespace (400s). */
function objectPath(info: ResourceInfo, namespace: string | undefined, name: string, subresource?: string): string {
  if (!name) throw badRequest('name is required');
  if (info.namespaced && !namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
  return resourcePath(info, namespace, name, subresource);
}

function deleteOptionsBody(opts: DeleteOptions): string {
  return JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', ...opts });
}
