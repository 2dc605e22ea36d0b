import type { DeleteOptions, KindRef, KubeList, KubeObject, Status } from '@keelson/api';

/**
 * The one way components talk to the API: the same interface over an in-process transport
 * (straight into the registry) and, from @keelson/client-http, over HTTP. Errors are ApiErrors
 * carrying meta/v1 Status, whichever the transport.
 */

export interface ListOptions {
  namespace?: string;
  /** String form: "app=web,tier in (a,b)". */
  labelSelector?: string;
  /** String form: "spec.nodeName=node1,status.phase!=Failed". */
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** "" = most recent (consistent), "0" = any (from cache), N = not older than N. */
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Start after this resourceVersion; "" or "0" = start with the current state as ADDED events. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Ask the server to end the watch after this many seconds. */
  timeoutSeconds?: number;
  /** Send an initial-events-end bookmark after the synthetic ADDED events (sendInitialEvents). */
  sendInitialEvents?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: Status };

export interface WatchHandle {
  /** Ends the watch; the handler gets no further events. */
  stop(): void;
  /** Resolves when the watch has ended (stopped, timed out, or failed). */
  readonly done: Promise<void>;
}

export interface WatchHandler<T extends KubeObject = KubeObject> {
  (event: WatchEvent<T>): void;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** For server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export interface GetOptions {
  namespace?: string;
  resourceVersion?: string;
}

export interface DeleteCallOptions extends DeleteOptions {
  namespace?: string;
}

/** Which objects a deleteCollection deletes (list selectors) and how (DeleteOptions). */
export interface DeleteCollectionOptions extends DeleteOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** The generic client: every call names its kind. */
export interface Client {
  get<T extends KubeObject = KubeObject>(kind: KindRef, name: string, opts?: GetOptions): Promise<T>;
  list<T extends KubeObject = KubeObject>(kind: KindRef, opts?: ListOptions): Promise<KubeList<T>>;
  watch<T extends KubeObject = KubeObject>(kind: KindRef, opts: WatchOptions, handler: WatchHandler<T>): Promise<WatchHandle>;
  create<T extends KubeObject>(obj: T, opts?: WriteOptions & { namespace?: string; kind?: KindRef }): Promise<T>;
  update<T extends KubeObject>(obj: T, opts?: WriteOptions & { kind?: KindRef }): Promise<T>;
  updateStatus<T extends KubeObject>(obj: T, opts?: WriteOptions & { kind?: KindRef }): Promise<T>;
  patch<T extends KubeObject = KubeObject>(
    kind: KindRef,
    name: string,
    type: PatchType,
    patch: unknown,
    opts?: WriteOptions & { namespace?: string; subresource?: string },
  ): Promise<T>;
  /** Returns the object when deletion is pending (finalizers, grace period), else a Success Status. */
  delete<T extends KubeObject = KubeObject>(kind: KindRef, name: string, opts?: DeleteCallOptions): Promise<T | Status>;
  /** DELETE on a collection: deletes every object the selectors match; returns them (as listed, or pending deletion). */
  deleteCollection<T extends KubeObject = KubeObject>(kind: KindRef, opts?: DeleteCollectionOptions): Promise<KubeList<T>>;
  /**
   * POST to a subresource of one object (pods/NAME/binding, as client-go's Pods().Bind): `body` is
   * the subresource's kind (a v1 Binding); the answer is the server's Status.
   */
  postSubresource(kind: KindRef, name: string, subresource: string, body: KubeObject, opts?: WriteOptions & { namespace?: string }): Promise<Status>;
  /** A view of one kind (and optionally one namespace). */
  resource<T extends KubeObject = KubeObject>(kind: KindRef, namespace?: string): ResourceClient<T>;
}

/** A client bound to one kind and, for namespaced kinds, optionally one namespace. */
export interface ResourceClient<T extends KubeObject = KubeObject> {
  get(name: string, opts?: Omit<GetOptions, 'namespace'>): Promise<T>;
  list(opts?: Omit<ListOptions, 'namespace'>): Promise<KubeList<T>>;
  watch(opts: Omit<WatchOptions, 'namespace'>, handler: WatchHandler<T>): Promise<WatchHandle>;
  create(obj: T, opts?: WriteOptions): Promise<T>;
  update(obj: T, opts?: WriteOptions): Promise<T>;
  updateStatus(obj: T, opts?: WriteOptions): Promise<T>;
  patch(name: string, type: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: string }): Promise<T>;
  delete(name: string, opts?: DeleteOptions): Promise<T | Status>;
  deleteCollection(opts?: Omit<DeleteCollectionOptions, 'namespace'>): Promise<KubeList<T>>;
  namespace(ns: string): ResourceClient<T>;
}
