import { ApiError, fieldError, type FieldError, invalid, type KindDefinition, type KubeList, type KubeObject, kindApiVersion, resourceExpired } from '@keelson/api';
import type { ListOptions, WatchEvent, WatchHandle, WatchHandler, WatchOptions } from '../client/client.js';
import type { Clock } from '../clock/clock.js';
import { CompactedError, FutureRevisionError, type Store, type StoreEvent } from '../store/store.js';
import { decodeObject } from './codec.js';
import { continueExpired, decodeContinue, encodeContinue } from './continue-token.js';
import { listPrefix } from './keys.js';
import { selection } from './selection.js';

/** How often a watch that allows bookmarks gets one when nothing else happens (kube: ~1 min). */
export const BOOKMARK_INTERVAL_MS = 60_000;

/** A resourceVersion parameter: undefined for "", 400 for anything but a 64-bit unsigned integer. */
export function parseRv(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  // kube's strconv.ParseUint(rv, 10, 64): digits only, and it must fit 64 bits.
  if (!/^\d+$/.test(rv) || BigInt(rv) >= 2n ** 64n) throw new ApiError(400, 'BadRequest', `invalid resource version: "${rv}"`);
  return Number(rv);
}

/** kube's ValidateListOptions (for a list, not a watch): how resourceVersionMatch may be used. 422 otherwise. */
export function validateListOptions(opts: ListOptions): void {
  const match = opts.resourceVersionMatch as string | undefined;
  if (!match) return;
  const errs: FieldError[] = [];
  if (!opts.resourceVersion) errs.push(fieldError('FieldValueForbidden', 'resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
  if (opts.continue) errs.push(fieldError('FieldValueForbidden', 'resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
  if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(fieldError('FieldValueNotSupported', 'resourceVersionMatch', `"${match}": supported values: "Exact", "NotOlderThan", ""`));
  if (match === 'Exact' && opts.resourceVersion === '0') errs.push(fieldError('FieldValueForbidden', 'resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  if (errs.length) throw invalid('ListOptions', 'meta.k8s.io', '', errs);
}

/** 504 for a resourceVersion the store has not reached (kube: "Too large resource version"). */
export function tooLarge(rv: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, { retryAfterSeconds: 1 });
}

/** LIST with selectors, snapshot pagination (limit/continue) and resourceVersion semantics. */
export async function listObjects<T extends KubeObject>(kind: KindDefinition, store: Store, opts: ListOptions): Promise<KubeList<T>> {
  validateListOptions(opts);
  const sel = selection(kind, opts.labelSelector, opts.fieldSelector);
  const prefix = listPrefix(kind, opts.namespace);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
  let revision: number | undefined;
  let startAfter: string | undefined;
  if (opts.continue) {
    const token = decodeContinue(opts.continue);
    revision = token.rv;
    startAfter = token.start;
  } else {
    const rv = parseRv(opts.resourceVersion);
    const current = await store.currentRevision();
    if (rv !== undefined && rv > current) throw tooLarge(rv, current);
    // "Exact" reads the snapshot at rv; "", "0" and NotOlderThan read the newest state.
    if (opts.resourceVersionMatch === 'Exact' && rv) revision = rv;
  }
  const items: T[] = [];
  let snapshot = revision;
  let more = false;
  let lastKey: string | undefined;
  let remaining: number | undefined;
  try {
    const chunk = limit ? Math.max(limit, 100) : 0;
    for (;;) {
      const page = await store.range({ prefix, limit: chunk, startAfter, revision: snapshot });
      snapshot = page.revision;
      let i = 0;
      for (; i < page.items.length; i++) {
        const kv = page.items[i]!;
        const obj = decodeObject<T>(kv);
        if (!sel.matches(obj)) continue;
        items.push(obj);
        lastKey = kv.key;
        if (limit && items.length >= limit) break;
      }
      const stoppedEarly = i < page.items.length - 1;
      if (limit && items.length >= limit) {
        more = stoppedEarly || page.more;
        if (more && sel.empty()) remaining = page.count - (i + 1);
        break;
      }
      if (!page.more) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
  } catch (err) {
    if (err instanceof CompactedError) throw opts.continue ? continueExpired() : resourceExpired(`too old resource version: ${revision} (${err.compacted})`);
    if (err instanceof FutureRevisionError) throw tooLarge(err.requested, err.current);
    throw err;
  }
  return {
    apiVersion: kindApiVersion(kind),
    kind: kind.listKind ?? `${kind.kind}List`,
    metadata: {
      resourceVersion: String(snapshot),
      ...(more && lastKey ? { continue: encodeContinue({ rv: snapshot!, start: lastKey }) } : {}),
      ...(remaining !== undefined && remaining > 0 ? { remainingItemCount: remaining } : {}),
    },
    items,
  };
}

/**
 * WATCH: current state as ADDED events (resourceVersion "" or "0"), then every change after the
 * start revision; objects entering or leaving the selection become ADDED / DELETED, as the
 * apiserver's watch cache reports them. Compacted history → 410 Expired.
 */
export async function watchObjects<T extends KubeObject>(
  kind: KindDefinition,
  store: Store,
  clock: Clock,
  opts: WatchOptions,
  handler: WatchHandler<T>,
): Promise<WatchHandle> {
  const sel = selection(kind, opts.labelSelector, opts.fieldSelector);
  const prefix = listPrefix(kind, opts.namespace);
  const rv = parseRv(opts.resourceVersion);
  let stopped = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const emit = (e: WatchEvent<T>) => {
    if (!stopped) handler(e);
  };
  const bookmark = (revision: number, extra?: Record<string, string>) =>
    emit({
      type: 'BOOKMARK',
      object: { apiVersion: kindApiVersion(kind), kind: kind.kind, metadata: { resourceVersion: String(revision), ...(extra ? { annotations: extra } : {}) } } as unknown as T,
    });

  let after: number;
  const initial: T[] = [];
  if (!rv || opts.sendInitialEvents) {
    // Start from the current state: list it (consistently), then watch after that revision.
    let startAfter: string | undefined;
    let snapshot: number | undefined;
    for (;;) {
      const page = await store.range({ prefix, limit: 1000, startAfter, revision: snapshot });
      snapshot = page.revision;
      for (const kv of page.items) {
        const obj = decodeObject<T>(kv);
        if (sel.matches(obj)) initial.push(obj);
      }
      if (!page.more) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    after = snapshot!;
  } else {
    const current = await store.currentRevision();
    if (rv > current) throw tooLarge(rv, current);
    after = rv;
  }

  const toEvents = (se: StoreEvent): WatchEvent<T> | undefined => {
    const obj = decodeObject<T>(se.kv);
    const prev = se.prevKv ? decodeObject<T>(se.prevKv) : undefined;
    if (se.type === 'delete') return sel.matches(obj) ? { type: 'DELETED', object: obj } : undefined;
    const now = sel.matches(obj);
    const before = prev !== undefined && sel.matches(prev);
    if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: obj };
    if (before) {
      prev!.metadata.resourceVersion = String(se.kv.modRevision);
      return { type: 'DELETED', object: prev! };
    }
    return undefined;
  };

  // Store events that arrive before the initial ADDED events went out wait for them.
  let buffered: StoreEvent[] | null = [];
  const deliver = (events: StoreEvent[]) => {
    for (const se of events) {
      const e = toEvents(se);
      if (e) emit(e);
    }
  };
  let storeWatch: { stop(): void };
  try {
    storeWatch = await store.watch(
      { prefix, afterRevision: after, progressNotifyMs: opts.allowWatchBookmarks ? BOOKMARK_INTERVAL_MS : undefined },
      {
        events: (events) => {
          if (buffered) buffered.push(...events);
          else deliver(events);
        },
        progress: (revision) => bookmark(revision),
        error: (err) => {
          emit({ type: 'ERROR', object: new ApiError(500, 'InternalError', err.message).status });
          stop();
        },
      },
    );
  } catch (err) {
    if (err instanceof CompactedError) throw resourceExpired(`too old resource version: ${after} (${err.compacted})`);
    throw err;
  }
  const timer = opts.timeoutSeconds ? clock.setTimer(opts.timeoutSeconds * 1000, () => stop()) : undefined;
  function stop() {
    if (stopped) return;
    stopped = true;
    storeWatch.stop();
    timer?.stop();
    resolveDone();
  }
  // Initial events are delivered asynchronously, before any change (the store delivers later).
  queueMicrotask(() => {
    for (const obj of initial) emit({ type: 'ADDED', object: obj });
    if (opts.sendInitialEvents && opts.allowWatchBookmarks) bookmark(after, { 'k8s.io/initial-events-end': 'true' });
    const pending = buffered ?? [];
    buffered = null;
    deliver(pending);
  });
  return { stop, done };
}
