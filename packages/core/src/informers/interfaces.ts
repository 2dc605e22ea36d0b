import type { KindRef, KubeObject, Selector } from '@keelson/api';

/** Index function: the index values for an object (e.g. its namespace). */
export type IndexFunc<T> = (obj: T) => string[];
export type Indexers<T> = Record<string, IndexFunc<T>>;

export const NamespaceIndex = 'namespace';

/** Thread-safe (single-threaded JS: consistent) keyed store with named indexes. */
export interface Indexer<T extends KubeObject = KubeObject> {
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
  /** Replaces the whole content (after a list). */
  replace(objs: T[]): void;
  list(): T[];
  listKeys(): string[];
  get(obj: T): T | undefined;
  getByKey(key: string): T | undefined;
  /** Objects sharing any index value with obj under the named index. */
  index(indexName: string, obj: T): T[];
  byIndex(indexName: string, indexedValue: string): T[];
  indexKeys(indexName: string, indexedValue: string): string[];
  listIndexFuncValues(indexName: string): string[];
  addIndexers(indexers: Indexers<T>): void;
}

export interface DeleteInfo {
  /** True when the deletion was inferred from a relist (the final state may be stale). */
  finalStateUnknown: boolean;
}

/**
 * Event handler. Deletions always carry the last known object (tombstones are unwrapped inside
 * the core, never leaked to handlers).
 *
 * Each handler has its own queue: it sees its notifications one at a time, in the order the
 * cache changed. A handler may return a promise; its next notification waits for it, while other
 * handlers of the same informer carry on. Objects are the cache's own: treat them as read-only.
 * Resyncs arrive as onUpdate(obj, obj) with the same object twice.
 */
export interface ResourceEventHandler<T extends KubeObject = KubeObject> {
  /** isInInitialList: the object came with the first list (or the replay for a late handler). */
  onAdd?(obj: T, isInInitialList: boolean): void | Promise<void>;
  onUpdate?(oldObj: T, newObj: T): void | Promise<void>;
  onDelete?(obj: T, info: DeleteInfo): void | Promise<void>;
}

export interface HandlerRegistration {
  /** Stops delivery to this handler; pending notifications are dropped. */
  remove(): void;
  /** True once the informer synced and this handler has processed every initial object. */
  hasSynced(): boolean;
}

export interface SharedIndexInformer<T extends KubeObject = KubeObject> {
  readonly kind: KindRef;
  /**
   * Registers a handler. Added after start, it first gets onAdd(obj, true) for every cached
   * object. resyncPeriodMs (default: the informer's) re-delivers the cache as updates; 0 = never.
   */
  addEventHandler(handler: ResourceEventHandler<T>, resyncPeriodMs?: number): HandlerRegistration;
  getIndexer(): Indexer<T>;
  /** Before start() only (InformerAlreadyStartedError after). */
  addIndexers(indexers: Indexers<T>): void;
  lister(): Lister<T>;
  hasSynced(): boolean;
  lastSyncResourceVersion(): string;
  /**
   * Starts list+watch (idempotent: every call returns the same promise). Resolves when the
   * initial list is in the cache and every handler registered by then has processed it; rejects
   * with InformerStoppedError if stop() comes first.
   */
  start(): Promise<void>;
  /** Ends list+watch, resync and delivery; an informer cannot be restarted. */
  stop(): void;
}

export interface NamespaceLister<T extends KubeObject = KubeObject> {
  list(selector?: Selector): T[];
  get(name: string): T | undefined;
}

export interface Lister<T extends KubeObject = KubeObject> {
  list(selector?: Selector): T[];
  /** For cluster-scoped kinds. */
  get(name: string): T | undefined;
  namespace(ns: string): NamespaceLister<T>;
}

export interface SharedInformerFactory {
  /** The one shared informer for a kind (created on first request). */
  informerFor<T extends KubeObject = KubeObject>(kind: KindRef): SharedIndexInformer<T>;
  lister<T extends KubeObject = KubeObject>(kind: KindRef): Lister<T>;
  /** Starts every informer requested so far (and later ones on request); resolves when all are synced. */
  start(): Promise<void>;
  stop(): void;
}
