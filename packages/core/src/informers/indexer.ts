import { type KubeObject, objectKey } from '@keelson/api';
import { IndexerConflictError, IndexNotFoundError } from './errors.js';
import { type IndexFunc, type Indexer, type Indexers, NamespaceIndex } from './interfaces.js';

/**
 * A keyed store with named indexes (client-go's threadSafeMap + storeIndex). JavaScript is
 * single-threaded, so every method leaves the items and the indexes consistent with each other.
 *
 * Objects are kept by reference: callers must treat what they get back as read-only.
 */

export type KeyFunc<T> = (obj: T) => string;

/** Index function for the namespace index: the object's namespace ("" for cluster-scoped). */
export function namespaceIndexFunc(obj: KubeObject): string[] {
  return [obj.metadata.namespace ?? ''];
}

/** The indexers every informer starts with. */
export function defaultIndexers<T extends KubeObject>(): Indexers<T> {
  return { [NamespaceIndex]: namespaceIndexFunc };
}

export function createIndexer<T extends KubeObject = KubeObject>(keyFunc: KeyFunc<T> = objectKey, indexers: Indexers<T> = {}): Indexer<T> {
  return new IndexerImpl<T>(keyFunc, indexers);
}

const none: readonly string[] = [];

class IndexerImpl<T extends KubeObject> implements Indexer<T> {
  private items = new Map<string, T>();
  private indexers = new Map<string, IndexFunc<T>>();
  /** index name → indexed value → keys. */
  private indices = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly keyFunc: KeyFunc<T>,
    indexers: Indexers<T>,
  ) {
    this.addIndexers(indexers);
  }

  add(obj: T): void {
    this.put(obj);
  }

  update(obj: T): void {
    this.put(obj);
  }

  delete(obj: T): void {
    const key = this.keyFunc(obj);
    const old = this.items.get(key);
    if (old === undefined) return;
    this.items.delete(key);
    for (const [name, fn] of this.indexers) this.updateIndex(name, key, fn(old), none);
  }

  replace(objs: T[]): void {
    this.items = new Map();
    for (const obj of objs) this.items.set(this.keyFunc(obj), obj);
    for (const name of this.indexers.keys()) this.rebuild(name);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  get(obj: T): T | undefined {
    return this.items.get(this.keyFunc(obj));
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  index(indexName: string, obj: T): T[] {
    const fn = this.indexFunc(indexName);
    const index = this.indices.get(indexName)!;
    const values = fn(obj);
    if (values.length === 1) return this.byKeys(index.get(values[0]!));
    const keys = new Set<string>();
    for (const v of values) for (const k of index.get(v) ?? none) keys.add(k);
    return this.byKeys(keys);
  }

  byIndex(indexName: string, indexedValue: string): T[] {
    this.indexFunc(indexName);
    return this.byKeys(this.indices.get(indexName)!.get(indexedValue));
  }

  indexKeys(indexName: string, indexedValue: string): string[] {
    this.indexFunc(indexName);
    return [...(this.indices.get(indexName)!.get(indexedValue) ?? none)];
  }

  listIndexFuncValues(indexName: string): string[] {
    this.indexFunc(indexName);
    return [...this.indices.get(indexName)!.keys()];
  }

  /** Adds indexes; existing items are indexed at once. A name already in use is an IndexerConflictError. */
  addIndexers(indexers: Indexers<T>): void {
    for (const name of Object.keys(indexers)) {
      if (this.indexers.has(name)) throw new IndexerConflictError(name);
    }
    for (const [name, fn] of Object.entries(indexers)) {
      this.indexers.set(name, fn);
      this.rebuild(name);
    }
  }

  private put(obj: T): void {
    const key = this.keyFunc(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.updateIndex(name, key, old === undefined ? none : fn(old), fn(obj));
  }

  private indexFunc(name: string): IndexFunc<T> {
    const fn = this.indexers.get(name);
    if (!fn) throw new IndexNotFoundError(name);
    return fn;
  }

  private byKeys(keys: Iterable<string> | undefined): T[] {
    const out: T[] = [];
    if (!keys) return out;
    for (const k of keys) {
      const item = this.items.get(k);
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  private rebuild(name: string): void {
    const fn = this.indexers.get(name)!;
    const index = new Map<string, Set<string>>();
    this.indices.set(name, index);
    for (const [key, obj] of this.items) {
      for (const v of fn(obj)) {
        let keys = index.get(v);
        if (!keys) index.set(v, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  /** Moves key from the old index values to the new ones, dropping emptied value sets. */
  private updateIndex(name: string, key: string, oldValues: readonly string[], newValues: readonly string[]): void {
    const index = this.indices.get(name)!;
    // The common case: a single unchanged value (e.g. the namespace).
    if (oldValues.length === 1 && newValues.length === 1 && oldValues[0] === newValues[0]) return;
    for (const v of oldValues) {
      if (newValues.includes(v)) continue;
      const keys = index.get(v);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) index.delete(v);
    }
    for (const v of newValues) {
      let keys = index.get(v);
      if (!keys) index.set(v, (keys = new Set()));
      keys.add(key);
    }
  }
}
