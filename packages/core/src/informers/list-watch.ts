import type { KindRef, KubeList, KubeObject } from '@keelson/api';
import type { Client, ListOptions, WatchHandle, WatchHandler, WatchOptions } from '../client/client.js';

/**
 * The only part of the informer machinery that talks to the API: list and watch one kind,
 * optionally narrowed to a namespace and by selectors. Everything above (reflector, informer,
 * listers) works against this interface, so tests can feed it from memory.
 */

/** List options the reflector sets (namespace and selectors belong to the ListerWatcher). */
export type ReflectorListOptions = Pick<ListOptions, 'limit' | 'continue' | 'resourceVersion' | 'resourceVersionMatch'>;
export type ReflectorWatchOptions = Pick<WatchOptions, 'resourceVersion' | 'allowWatchBookmarks' | 'timeoutSeconds' | 'sendInitialEvents'>;

export interface ListerWatcher<T extends KubeObject = KubeObject> {
  list(opts: ReflectorListOptions): Promise<KubeList<T>>;
  watch(opts: ReflectorWatchOptions, handler: WatchHandler<T>): Promise<WatchHandle>;
}

export interface ListWatchScope {
  /** Only this namespace (all namespaces when absent or ""). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

function scoped<O extends object>(opts: O, scope: ListWatchScope): O & ListWatchScope {
  const out: O & ListWatchScope = { ...opts };
  if (scope.namespace) out.namespace = scope.namespace;
  if (scope.labelSelector) out.labelSelector = scope.labelSelector;
  if (scope.fieldSelector) out.fieldSelector = scope.fieldSelector;
  return out;
}

/** A ListerWatcher for one kind over a Client. */
export function listWatchFromClient<T extends KubeObject = KubeObject>(client: Client, kind: KindRef, scope: ListWatchScope = {}): ListerWatcher<T> {
  return {
    list: (opts) => client.list<T>(kind, scoped(opts, scope)),
    watch: (opts, handler) => client.watch<T>(kind, scoped(opts, scope), handler),
  };
}
