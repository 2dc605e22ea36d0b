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
 */
export interface ResourceEventHandler<T extends KubeObject = KubeObject> {
  onAdd?(obj: T, isInInitialList: boolean): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T, info: DeleteInfo): void;
}

export interface HandlerRegistration {
  remove(): void;
  hasSynced(): boolean;
}

export interface SharedIndexInformer<T extends KubeObject = KubeObject> {
  readonly kind: KindRef;
  addEventHandler(handler: ResourceEventHandler<T>, resyncPeriodMs?: number): HandlerRegistration;
  getIndexer(): Indexer<T>;
  addIndexers(indexers: Indexers<T>): void;
  lister(): Lister<T>;
  hasSynced(): boolean;
  lastSyncResourceVersion(): string;
  /** Starts list+watch; resolves when the initial list is in the cache and handlers have seen it. */
  start(): Promise<void>;
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
