/**
 * A watch history checker: what a client saw on a watch (possibly resumed across reconnects and
 * server restarts) against the store's own log of the same prefix. A correct watch delivers
 * every change after its starting revision exactly once, in revision order, with nothing extra.
 */
import type { Store, StoreEvent } from '@keelson/core';

/** One event as a watcher saw it: the object's resourceVersion and identity. */
export interface ObservedEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** metadata.resourceVersion of the event's object (for DELETED, the deletion's revision). */
  resourceVersion: string;
  namespace?: string;
  name: string;
}

/** One change of the store's log, reduced to what a watcher can check. */
export interface LoggedEvent {
  revision: number;
  type: 'put' | 'delete';
  /** The store key's last segment(s): "<namespace>/<name>" or "<name>". */
  id: string;
}

export interface WatchHistoryReport {
  ok: boolean;
  problems: string[];
  observed: number;
  logged: number;
}

/** "<namespace>/<name>" of a store key under a kind prefix (or the name for cluster-scoped kinds). */
export function idOfKey(key: string, prefix: string): string {
  return key.slice(prefix.length);
}

/** Reads the store's log of a prefix from `afterRevision` up to the current revision. */
export async function readStoreLog(store: Store, prefix: string, afterRevision: number): Promise<LoggedEvent[]> {
  const target = await store.currentRevision();
  const out: LoggedEvent[] = [];
  if (target <= afterRevision) return out;
  await new Promise<void>((resolve, reject) => {
    let done = false;
    let watch: { stop(): void } | undefined;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      watch?.stop();
      if (err) reject(err);
      else resolve();
    };
    const check = (revision: number) => {
      if (revision >= target) finish();
    };
    store
      .watch(
        { prefix, afterRevision, progressNotifyMs: 20 },
        {
          events(events: StoreEvent[]) {
            for (const e of events) {
              if (e.kv.modRevision > target) continue;
              out.push({ revision: e.kv.modRevision, type: e.type, id: idOfKey(e.kv.key, prefix) });
            }
            check(events[events.length - 1]!.kv.modRevision);
          },
          progress: check,
          error: finish,
        },
      )
      .then((w) => {
        watch = w;
        if (done) w.stop();
      }, finish);
  });
  return out;
}

/**
 * Checks a watcher's events against the log: resourceVersions strictly increasing, every logged
 * change after the watch's start seen once in order with the right kind of event, nothing
 * seen that the log does not hold. `startRevision` is the revision the watch started after.
 */
export function checkWatchHistory(observed: readonly ObservedEvent[], log: readonly LoggedEvent[], startRevision: number): WatchHistoryReport {
  const problems: string[] = [];
  let last = startRevision;
  for (const e of observed) {
    const rv = Number(e.resourceVersion);
    if (!Number.isSafeInteger(rv)) problems.push(`non-numeric resourceVersion ${JSON.stringify(e.resourceVersion)} (${e.name})`);
    else if (rv <= last) problems.push(`resourceVersion ${rv} (${e.type} ${e.name}) does not increase (previous ${last})`);
    else last = rv;
  }
  const expected = log.filter((l) => l.revision > startRevision);
  const byRevision = new Map(expected.map((l) => [l.revision, l]));
  const seen = new Set<number>();
  for (const e of observed) {
    const rv = Number(e.resourceVersion);
    const logged = byRevision.get(rv);
    const id = e.namespace ? `${e.namespace}/${e.name}` : e.name;
    if (!logged) {
      problems.push(`${e.type} ${id} at ${rv} is not in the store's log`);
      continue;
    }
    if (seen.has(rv)) problems.push(`revision ${rv} delivered twice`);
    seen.add(rv);
    if (logged.id !== id) problems.push(`revision ${rv}: watch saw ${id}, the log holds ${logged.id}`);
    if ((e.type === 'DELETED') !== (logged.type === 'delete')) problems.push(`revision ${rv} (${id}): watch saw ${e.type}, the log holds a ${logged.type}`);
  }
  const missing = expected.filter((l) => !seen.has(l.revision));
  if (missing.length) {
    problems.push(`${missing.length} change(s) of the log never delivered, first: ${missing.slice(0, 5).map((m) => `${m.revision} ${m.type} ${m.id}`).join(', ')}`);
  }
  return { ok: problems.length === 0, problems, observed: observed.length, logged: expected.length };
}
