import { type KubeList, type KubeObject, objectKey, resourceExpired } from '@keelson/api';
import type { WatchEvent, WatchHandle, WatchHandler } from '../client/client.js';
import type { ListerWatcher, ReflectorListOptions, ReflectorWatchOptions } from './list-watch.js';

/**
 * An in-memory ListerWatcher for tests and benchmarks (client-go's FakeControllerSource):
 * objects in a Map, a global increasing resourceVersion, paginated lists, watches that replay
 * history from a resourceVersion, and knobs to fail calls, end watches, send bookmarks and
 * compact history (after which old resourceVersions get 410 Expired, as from kube-apiserver).
 *
 * Stored objects are handed out as they are: callers must not mutate them.
 */

interface ActiveWatch<T extends KubeObject> {
  handler: WatchHandler<T>;
  bookmarks: boolean;
  end: () => void;
}

export interface FakeCall<O> {
  opts: O;
  /** The error the call was failed with, if any. */
  error?: unknown;
}

export class FakeListerWatcher<T extends KubeObject = KubeObject> implements ListerWatcher<T> {
  private readonly objects = new Map<string, T>();
  private history: { rv: number; event: WatchEvent<T> }[] = [];
  private rv = 0;
  private uidSeq = 0;
  private compactedRV = 0;
  private sortedKeys: string[] | undefined;
  private readonly watches = new Set<ActiveWatch<T>>();
  private listFailures: unknown[] = [];
  private watchFailures: unknown[] = [];
  readonly listCalls: FakeCall<ReflectorListOptions>[] = [];
  readonly watchCalls: FakeCall<ReflectorWatchOptions>[] = [];

  /** The current resourceVersion. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  get activeWatches(): number {
    return this.watches.size;
  }

  /** Stores obj (a copy with a new resourceVersion, and a uid if it had none) and emits ADDED. */
  add(obj: T): T {
    return this.write('ADDED', obj);
  }

  /** Stores obj over the existing one and emits MODIFIED. */
  update(obj: T): T {
    return this.write('MODIFIED', obj);
  }

  /** Removes the object with obj's key (if present) and emits DELETED with its final state. */
  delete(obj: T | string): T | undefined {
    const key = typeof obj === 'string' ? obj : objectKey(obj);
    const old = this.objects.get(key);
    if (!old) return undefined;
    this.objects.delete(key);
    this.sortedKeys = undefined;
    const final = this.stamp(old);
    this.emit({ type: 'DELETED', object: final });
    return final;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  /** Advances the resourceVersion without any change (as writes to other kinds do). */
  bumpResourceVersion(): string {
    return String(++this.rv);
  }

  /** Sends a BOOKMARK at the current resourceVersion to watches that asked for bookmarks. */
  bookmark(): void {
    const object = { metadata: { resourceVersion: String(this.rv) } } as T;
    for (const w of [...this.watches]) if (w.bookmarks) w.handler({ type: 'BOOKMARK', object });
  }

  /** Forgets history up to now: watches and lists from an older resourceVersion get 410. */
  compact(): void {
    this.compactedRV = this.rv;
    this.history = [];
  }

  /** Ends every open watch the way a server timeout does. */
  endWatches(): void {
    for (const w of [...this.watches]) w.end();
  }

  /** Sends an ERROR event (code 410 by default) to every open watch, then ends it. */
  expireWatches(code = 410): void {
    const err = code === 410 ? resourceExpired() : undefined;
    const status = err?.status ?? { kind: 'Status' as const, apiVersion: 'v1' as const, metadata: {}, status: 'Failure' as const, code, message: `error ${code}` };
    for (const w of [...this.watches]) {
      w.handler({ type: 'ERROR', object: status });
      w.end();
    }
  }

  /** The next list calls reject with these errors, one each. */
  failLists(...errors: unknown[]): void {
    this.listFailures.push(...errors);
  }

  /** The next watch calls reject with these errors, one each. */
  failWatches(...errors: unknown[]): void {
    this.watchFailures.push(...errors);
  }

  async list(opts: ReflectorListOptions): Promise<KubeList<T>> {
    const call: FakeCall<ReflectorListOptions> = { opts: { ...opts } };
    this.listCalls.push(call);
    const failure = this.listFailures.shift();
    if (failure !== undefined) throw (call.error = failure);
    let after = '';
    let listRV = this.rv;
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      if (token.rv < this.compactedRV) throw (call.error = resourceExpired('The provided continue parameter is too old'));
      after = token.after;
      listRV = token.rv;
    } else {
      const asked = Number(opts.resourceVersion || 0);
      if (asked > 0 && asked < this.compactedRV) throw (call.error = resourceExpired(`too old resource version: ${asked} (${this.compactedRV})`));
    }
    const keys = (this.sortedKeys ??= [...this.objects.keys()].sort());
    const start = after ? upperBound(keys, after) : 0;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : keys.length;
    const pageKeys = keys.slice(start, start + limit);
    const items = pageKeys.map((k) => this.objects.get(k)!);
    const more = start + limit < keys.length;
    return {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: String(listRV), ...(more ? { continue: encodeContinue(listRV, pageKeys[pageKeys.length - 1]!) } : {}) },
      items,
    };
  }

  async watch(opts: ReflectorWatchOptions, handler: WatchHandler<T>): Promise<WatchHandle> {
    const call: FakeCall<ReflectorWatchOptions> = { opts: { ...opts } };
    this.watchCalls.push(call);
    const failure = this.watchFailures.shift();
    if (failure !== undefined) throw (call.error = failure);
    const from = Number(opts.resourceVersion || 0);
    if (from > 0 && from < this.compactedRV) throw (call.error = resourceExpired(`too old resource version: ${from} (${this.compactedRV})`));
    // What happened after `from` (or, from "" / "0", the current state as ADDED events).
    const replay: WatchEvent<T>[] =
      from > 0 ? this.history.filter((h) => h.rv > from).map((h) => h.event) : [...this.objects.values()].map((object) => ({ type: 'ADDED' as const, object }));
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    let open = true;
    const w: ActiveWatch<T> = {
      handler: (ev) => open && handler(ev),
      bookmarks: opts.allowWatchBookmarks === true,
      end: () => {
        if (!open) return;
        open = false;
        this.watches.delete(w);
        resolveDone();
      },
    };
    this.watches.add(w);
    for (const ev of replay) w.handler(ev);
    return { stop: w.end, done };
  }

  private write(type: 'ADDED' | 'MODIFIED', obj: T): T {
    const stored = this.stamp(obj);
    if (!stored.metadata.uid) stored.metadata.uid = this.objects.get(objectKey(obj))?.metadata.uid ?? `uid-${++this.uidSeq}`;
    const key = objectKey(stored);
    if (!this.objects.has(key)) this.sortedKeys = undefined;
    this.objects.set(key, stored);
    this.emit({ type, object: stored });
    return stored;
  }

  /** A copy with the next resourceVersion. */
  private stamp(obj: T): T {
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
  }

  private emit(event: WatchEvent<T>): void {
    this.history.push({ rv: this.rv, event });
    for (const w of [...this.watches]) w.handler(event);
  }
}

function encodeContinue(rv: number, after: string): string {
  return Buffer.from(JSON.stringify({ rv, after })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; after: string } {
  return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: number; after: string };
}

/** First index whose key is > after (keys sorted). */
function upperBound(keys: string[], after: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
