import { type KindDefinition, type KubeList, type KubeObject, kindApiVersion, resourceExpired } from '@keelson/api';
import type { ListOptions, WatchEvent, WatchHandle, WatchHandler, WatchOptions } from '../../client/client.js';
import type { Clock } from '../../clock/clock.js';
import type { Store } from '../../store/store.js';
import { decodeObject } from '../codec.js';
import { encodeContinue } from '../continue-token.js';
import { listPrefix } from '../keys.js';
import { BOOKMARK_INTERVAL_MS, listObjects, parseRv, tooLarge, validateListOptions, watchObjects } from '../list-watch.js';
import { type Selection, selection } from '../selection.js';
import type { CacheEvent, CacheWatcher, WatchCache } from './watch-cache.js';

/**
 * Brings the cache to what a read at `rv` needs, as kube's cacher does:
 * - "0": whatever the cache holds, at once;
 * - "" (a consistent read): the store's current revision, which the cache reaches through a
 *   progress request even when the writes were elsewhere;
 * - N: not older than N (504 if the store itself has not reached N).
 * "store" when the cache cannot get there in time (or the store cannot report progress): the
 * caller reads the store instead, exactly as without a cache.
 */
async function freshness(cache: WatchCache, store: Store, rv: number | undefined): Promise<'cache' | 'store'> {
  try {
    await cache.start();
  } catch {
    return 'store';
  }
  if (rv === 0) return 'cache';
  if (rv === undefined) {
    if (!cache.consistentReads) return 'store';
    return (await cache.waitUntil(await store.currentRevision())) ? 'cache' : 'store';
  }
  if (rv <= cache.revision) return 'cache';
  const current = await store.currentRevision();
  if (rv > current) throw tooLarge(rv, current);
  return (await cache.waitUntil(rv)) ? 'cache' : 'store';
}

/**
 * LIST from the cache. resourceVersionMatch=Exact and continue tokens read the store (a snapshot
 * at an older revision); a first page from the cache carries a continue token at the cache's
 * revision, so the following pages are the store's snapshot there (pagination unchanged).
 */
export async function listFromCache<T extends KubeObject>(cache: WatchCache, kind: KindDefinition, store: Store, opts: ListOptions): Promise<KubeList<T>> {
  validateListOptions(opts);
  if (opts.continue || opts.resourceVersionMatch === 'Exact') return listObjects<T>(kind, store, opts);
  const sel = selection(kind, opts.labelSelector, opts.fieldSelector);
  const rv = parseRv(opts.resourceVersion);
  if ((await freshness(cache, store, rv)) === 'store') return listObjects<T>(kind, store, opts);
  // Synchronous from here: the items and the revision belong together.
  const prefix = listPrefix(kind, opts.namespace);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
  const revision = cache.revision;
  const items: T[] = [];
  let lastKey: string | undefined;
  let more = false;
  for (const [key, entry] of cache.entries(prefix)) {
    if (!sel.empty() && !sel.matches(cache.view(entry.kv, entry))) continue;
    if (limit && items.length >= limit) {
      more = true;
      break;
    }
    items.push(decodeObject<T>(entry.kv));
    lastKey = key;
  }
  const remaining = more && sel.empty() && lastKey ? cache.countAfter(prefix, lastKey) : undefined;
  return {
    apiVersion: kindApiVersion(kind),
    kind: kind.listKind ?? `${kind.kind}List`,
    metadata: {
      resourceVersion: String(revision),
      ...(more && lastKey ? { continue: encodeContinue({ rv: revision, start: lastKey }) } : {}),
      ...(remaining !== undefined && remaining > 0 ? { remainingItemCount: remaining } : {}),
    },
    items,
  };
}

/**
 * WATCH from the cache: with initial events ("", "0", or sendInitialEvents) the cache's objects
 * as ADDED at its revision, otherwise the ring's events after the resourceVersion; from the store
 * when the ring no longer (or never) had them; 410 when the store compacted them too. Then live events. Selection transitions become ADDED /
 * DELETED. Each watcher gets its own decoded objects.
 */
export async function watchFromCache<T extends KubeObject>(
  cache: WatchCache,
  kind: KindDefinition,
  store: Store,
  clock: Clock,
  opts: WatchOptions,
  handler: WatchHandler<T>,
): Promise<WatchHandle> {
  const sel = selection(kind, opts.labelSelector, opts.fieldSelector);
  const prefix = listPrefix(kind, opts.namespace);
  const rv = parseRv(opts.resourceVersion);
  const withInitial = !rv || !!opts.sendInitialEvents;
  if ((await freshness(cache, store, rv)) === 'store') return watchObjects<T>(kind, store, clock, opts, handler);
  const compacted = withInitial ? 0 : await store.compactedRevision();
  // History the ring cannot replay: from before the cache started (a client resuming after this
  // server restarted), or already dropped from the ring by a burst of writes. The store still has
  // it unless compacted, and serves it (kube's cacher answers 410 here and the client relists).
  if (!withInitial && rv! < cache.oldestRevision && rv! >= compacted) {
    return watchObjects<T>(kind, store, clock, opts, handler);
  }

  // Synchronous from here to addWatcher: the snapshot (or replay) and the live events meet exactly.
  let start: number;
  const initial: T[] = [];
  let replay: CacheEvent[] = [];
  if (withInitial) {
    start = cache.revision;
    for (const [, entry] of cache.entries(prefix)) {
      if (sel.empty() || sel.matches(cache.view(entry.kv, entry))) initial.push(decodeObject<T>(entry.kv));
    }
  } else {
    start = rv!;
    const oldest = Math.max(cache.oldestRevision, compacted);
    if (start < oldest) throw resourceExpired(`too old resource version: ${start} (${oldest})`);
    replay = cache.eventsAfter(start).filter((e) => e.kv.key.startsWith(prefix));
  }

  let stopped = false;
  let ready = false;
  const queued: CacheEvent[] = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const emit = (e: WatchEvent<T>) => {
    if (stopped) return;
    try {
      handler(e);
    } catch {
      // A failing consumer ends its own watch, never the cache's delivery to the others.
      stop();
    }
  };
  const send = (e: CacheEvent) => {
    const we = toWatchEvent<T>(cache, sel, e);
    if (we) emit(we);
  };
  const bookmark = (revision: number, extra?: Record<string, string>) =>
    emit({
      type: 'BOOKMARK',
      object: { apiVersion: kindApiVersion(kind), kind: kind.kind, metadata: { resourceVersion: String(revision), ...(extra ? { annotations: extra } : {}) } } as unknown as T,
    });
  const watcher: CacheWatcher = {
    prefix,
    deliver: (e) => {
      if (stopped || e.revision <= start) return;
      if (ready) send(e);
      else queued.push(e);
    },
    terminate: () => stop(),
  };
  cache.addWatcher(watcher);
  const ticker = opts.allowWatchBookmarks ? clock.tick(BOOKMARK_INTERVAL_MS, () => ready && bookmark(Math.max(cache.revision, start))) : undefined;
  const timer = opts.timeoutSeconds ? clock.setTimer(opts.timeoutSeconds * 1000, () => stop()) : undefined;
  function stop() {
    if (stopped) return;
    stopped = true;
    cache.removeWatcher(watcher);
    ticker?.stop();
    timer?.stop();
    resolveDone();
  }
  // Initial events and the replay go out asynchronously, before any live change.
  queueMicrotask(() => {
    for (const obj of initial) emit({ type: 'ADDED', object: obj });
    if (opts.sendInitialEvents && opts.allowWatchBookmarks) bookmark(start, { 'k8s.io/initial-events-end': 'true' });
    for (const e of replay) send(e);
    ready = true;
    for (const e of queued.splice(0)) send(e);
  });
  return { stop, done };
}

/** A store change as this watcher sees it through its selection (undefined: nothing to send). */
function toWatchEvent<T extends KubeObject>(cache: WatchCache, sel: Selection, e: CacheEvent): WatchEvent<T> | undefined {
  if (sel.empty()) {
    if (e.type === 'delete') return { type: 'DELETED', object: decodeObject<T>(e.kv) };
    return { type: e.prevKv ? 'MODIFIED' : 'ADDED', object: decodeObject<T>(e.kv) };
  }
  const now = sel.matches(cache.view(e.kv, e));
  if (e.type === 'delete') return now ? { type: 'DELETED', object: decodeObject<T>(e.kv) } : undefined;
  const prevView = cache.prevView(e);
  const before = prevView !== undefined && sel.matches(prevView);
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: decodeObject<T>(e.kv) };
  if (before) {
    // Left the selection: the object as it last matched, at the revision of the change.
    const prev = decodeObject<T>(e.prevKv!);
    prev.metadata.resourceVersion = String(e.revision);
    return { type: 'DELETED', object: prev };
  }
  return undefined;
}
