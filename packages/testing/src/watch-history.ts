import type { Store, StoreEvent } from '@keelson/core';

/** One event as a watch delivered it: what changed, where, at which revision (resourceVersion). */
export interface WatchedEvent {
  type: string;
  key: string;
  revision: number;
}

export interface HistoryWindow {
  /** The watch started after this revision. */
  after: number;
  /** Compare up to this revision (inclusive); default: the last event watched. */
  upTo?: number;
}

/**
 * Checks a watch's history against the store's log of the same prefix: revisions strictly
 * increasing, and exactly the log's events in (after, upTo] — none missing (a gap), none extra
 * or reordered. Returns the problems found (empty: the history is sound). A watch stitched from
 * several connections (resumed from its last resourceVersion) is checked as one.
 */
export function checkWatchHistory(watched: readonly WatchedEvent[], log: readonly WatchedEvent[], window: HistoryWindow): string[] {
  const problems: string[] = [];
  for (let i = 1; i < watched.length; i++) {
    if (watched[i]!.revision <= watched[i - 1]!.revision) {
      problems.push(`revision went from ${watched[i - 1]!.revision} to ${watched[i]!.revision} at event ${i} (${watched[i]!.type} ${watched[i]!.key})`);
    }
  }
  const upTo = window.upTo ?? (watched.length ? watched[watched.length - 1]!.revision : window.after);
  const inWindow = (e: WatchedEvent) => e.revision > window.after && e.revision <= upTo;
  const want = log.filter(inWindow);
  const got = watched.filter(inWindow);
  const seen = new Set(got.map(id));
  const expected = new Set(want.map(id));
  const missing = want.filter((e) => !seen.has(id(e)));
  const extra = got.filter((e) => !expected.has(id(e)));
  if (missing.length) problems.push(`${missing.length} event(s) missing, first ${describe(missing[0]!)}`);
  if (extra.length) problems.push(`${extra.length} event(s) not in the log, first ${describe(extra[0]!)}`);
  if (!missing.length && !extra.length && got.length !== want.length) problems.push(`${got.length} events watched, ${want.length} in the log (duplicates?)`);
  return problems;
}

function id(e: WatchedEvent): string {
  return `${e.revision}\u0000${e.key}\u0000${e.type}`;
}

function describe(e: WatchedEvent): string {
  return `${e.type} ${e.key} at ${e.revision}`;
}

/** A store event as a WatchedEvent ("put" of a new key is ADDED, of an existing one MODIFIED). */
export function storeEventToWatched(e: StoreEvent): WatchedEvent {
  const type = e.type === 'delete' ? 'DELETED' : e.prevKv ? 'MODIFIED' : 'ADDED';
  return { type, key: e.kv.key, revision: e.kv.modRevision };
}

/**
 * The store's log of a prefix in (after, upTo], read through a watch from `after` (the store
 * replays its history), for checkWatchHistory. Fails if it cannot be read within `timeoutMs`.
 */
export async function storeLog(store: Store, prefix: string, after: number, upTo: number, timeoutMs = 10_000): Promise<WatchedEvent[]> {
  const events: WatchedEvent[] = [];
  let reached = after >= upTo;
  let failure: Error | undefined;
  const watch = await store.watch(
    { prefix, afterRevision: after },
    {
      events: (es) => {
        for (const e of es) if (e.kv.modRevision <= upTo) events.push(storeEventToWatched(e));
        if (es.length && es[es.length - 1]!.kv.modRevision >= upTo) reached = true;
      },
      progress: (rev) => {
        if (rev >= upTo) reached = true;
      },
      error: (err) => (failure = err),
    },
  );
  const deadline = Date.now() + timeoutMs;
  try {
    watch.requestProgress?.();
    while (!reached && !failure) {
      if (Date.now() > deadline) throw new Error(`store log of ${prefix}: revision ${upTo} not reached in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
      if (!reached) watch.requestProgress?.();
    }
    if (failure) throw failure;
    return events;
  } finally {
    watch.stop();
  }
}
