import type { KubeObject, Selector } from '@keelson/api';
import { IndexNotFoundError } from './errors.js';
import { type Indexer, type Lister, type NamespaceLister, NamespaceIndex } from './interfaces.js';

/**
 * Read access to an informer's cache by selector, name and namespace (client-go's listers).
 * Namespaced reads go through the namespace index (a scan when the indexer has none). Returned objects are the cache's own: do not
 * mutate them (copy first, e.g. structuredClone).
 */

function matching<T extends KubeObject>(objs: T[], selector: Selector | undefined): T[] {
  if (!selector || selector.empty()) return objs;
  return objs.filter((o) => selector.matches(o.metadata.labels));
}

export function createLister<T extends KubeObject = KubeObject>(indexer: Indexer<T>): Lister<T> {
  return {
    list: (selector) => matching(indexer.list(), selector),
    get: (name) => indexer.getByKey(name),
    namespace: (ns) => createNamespaceLister(indexer, ns),
  };
}

export function createNamespaceLister<T extends KubeObject = KubeObject>(indexer: Indexer<T>, namespace: string): NamespaceLister<T> {
  return {
    list: (selector) => matching(inNamespace(indexer, namespace), selector),
    get: (name) => indexer.getByKey(namespace ? `${namespace}/${name}` : name),
  };
}

function inNamespace<T extends KubeObject>(indexer: Indexer<T>, namespace: string): T[] {
  try {
    return indexer.byIndex(NamespaceIndex, namespace);
  } catch (err) {
    if (!(err instanceof IndexNotFoundError)) throw err;
    return indexer.list().filter((o) => (o.metadata.namespace ?? '') === namespace);
  }
}
