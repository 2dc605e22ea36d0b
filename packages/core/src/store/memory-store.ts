import type { Clock, Ticker } from '../clock/clock.js';
import { RealClock } from '../clock/clock.js';
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  RevisionMismatchError,
  type Store,
  type StoreEvent,
  type StoreWatch,
  type StoreWatchOptions,
  type WatchSink,
} from './store.js';
import { SortedKeys } from './sorted-keys.js';
import { WatchFlusher } from './watch-delivery.js';

interface Version {
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  deleted: boolean;
}

interface Watcher {
  prefix: string;
  sink: WatchSink;
  pending: StoreEvent[];
  sentSinceTick: boolean;
  /** A progress notification was requested: it follows the pending events. */
  progressWanted: boolean;
  ticker?: Ticker;
  stopped: boolean;
}

export interface MemoryStoreOptions {
  clock?: Clock;
  /** Revisions of history kept before older ones are compacted automatically (default 100,000). */
  historyLimit?: number;
  /**
   * Bytes of superseded values (older versions and tombstones) kept before the older half of the
   * history is compacted automatically (default 16 MiB): history is bounded by size too, so a burst
   * of large writes does not hold every old version until the revision limit.
   */
  historyBytes?: number;
  /**
   * Periodic compaction as kube-apiserver runs it against etcd (every 5 minutes there): each tick
   * compacts to the revision the previous tick saw, so at least one interval of history stays
   * available to watches resuming from a resourceVersion. Off by default (0): the watch cache
   * answers 410 to a watch from below the store's compacted revision even while its ring still
   * holds the events (kube's cacher serves those), so on a quiet cluster every informer re-watch
   * after a tick would relist. The revision and byte bounds keep memory bounded meanwhile.
   */
  compactIntervalMs?: number;
}

export const DEFAULT_HISTORY_BYTES = 16 * 2 ** 20;

/**
 * In-memory MVCC store: every key keeps its versions since the last compaction (snapshot reads
 * for consistent pagination), a revision-ordered log feeds watches (replay then live, no gap), and
 * watch delivery is asynchronous and batched per microtask turn so writers never run consumer code.
 */
export class MemoryStore implements Store {
  readonly name = 'memory';
  private readonly clock: Clock;
  private readonly historyLimit: number;
  private readonly historyBytesLimit: number;
  /** Length of the values only history holds (superseded versions, tombstones), since the last compaction. */
  private historyBytes = 0;
  private readonly compactor?: Ticker;
  /** The revision the previous periodic tick saw: the next tick compacts up to it. */
  private lastTickRevision = 0;
  private revision = 0;
  private compacted = 0;
  private readonly keys = new SortedKeys();
  private readonly versions = new Map<string, Version[]>();
  /** Keys whose latest version is a tombstone not yet compacted away (still in `keys`). */
  private readonly dead = new Set<string>();
  /** Events in revision order (one per revision), since the compacted revision. */
  private log: StoreEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  // Every event up to the current revision is in `pending` as soon as it is written.
  private readonly flusher = new WatchFlusher<Watcher>(this.watchers, (w) => {
    if (!w.progressWanted) return undefined;
    w.progressWanted = false;
    return this.revision;
  });
  private closed = false;

  constructor(opts: MemoryStoreOptions = {}) {
    this.clock = opts.clock ?? new RealClock();
    this.historyLimit = opts.historyLimit ?? 100_000;
    this.historyBytesLimit = opts.historyBytes ?? DEFAULT_HISTORY_BYTES;
    const interval = opts.compactIntervalMs ?? 0;
    if (interval > 0) {
      this.compactor = this.clock.tick(interval, () => {
        if (this.closed) return;
        const target = this.lastTickRevision;
        this.lastTickRevision = this.revision;
        if (target > this.compacted) void this.compact(target);
      });
    }
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  async get(key: string, opts: { revision?: number } = {}): Promise<KeyValue | undefined> {
    const rev = this.readRevision(opts.revision);
    const v = this.visible(key, rev);
    return v ? toKv(key, v) : undefined;
  }

  async range(opts: RangeOptions): Promise<RangeResult> {
    const rev = this.readRevision(opts.revision);
    const items: KeyValue[] = [];
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const start = opts.startAfter !== undefined && opts.startAfter >= opts.prefix ? opts.startAfter : undefined;
    const from = start ?? opts.prefix;
    const exclusive = start !== undefined;
    if (rev === this.revision) {
      // At the newest revision the count is positional: O(log n), not a scan of the remainder.
      const end = opts.prefix + '\uffff';
      let count = this.keys.countBetween(from, exclusive, end);
      for (const k of this.dead) if (k.startsWith(opts.prefix) && (exclusive ? k > from : k >= from)) count--;
      if (opts.countOnly) return { items, revision: rev, more: false, count };
      let more = false;
      for (const key of this.keys.from(from, exclusive)) {
        if (!key.startsWith(opts.prefix)) break;
        const v = this.visible(key, rev);
        if (!v) continue;
        if (items.length >= limit) {
          more = true;
          break;
        }
        items.push(toKv(key, v));
      }
      return { items, revision: rev, more, count };
    }
    // A snapshot read walks the range, counting what was visible then.
    let count = 0;
    let more = false;
    for (const key of this.keys.from(from, exclusive)) {
      if (!key.startsWith(opts.prefix)) break;
      const v = this.visible(key, rev);
      if (!v) continue;
      count++;
      if (opts.countOnly) continue;
      if (items.length < limit) items.push(toKv(key, v));
      else more = true;
    }
    return { items, revision: rev, more, count };
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.assertOpen();
    const history = this.versions.get(key);
    const latest = history?.[history.length - 1];
    if (latest && !latest.deleted) throw new KeyExistsError(key);
    const rev = ++this.revision;
    const v: Version = { value, createRevision: rev, modRevision: rev, version: 1, deleted: false };
    this.append(key, v, history);
    this.dead.delete(key);
    this.emit({ type: 'put', kv: toKv(key, v) });
    return toKv(key, v);
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.assertOpen();
    const history = this.versions.get(key);
    const latest = history?.[history.length - 1];
    if (!latest || latest.deleted) throw new KeyNotFoundError(key);
    if (latest.modRevision !== expectedModRevision) throw new RevisionMismatchError(key, expectedModRevision, toKv(key, latest));
    const rev = ++this.revision;
    const v: Version = { value, createRevision: latest.createRevision, modRevision: rev, version: latest.version + 1, deleted: false };
    this.append(key, v, history);
    this.historyBytes += latest.value.length;
    this.emit({ type: 'put', kv: toKv(key, v), prevKv: toKv(key, latest) });
    return toKv(key, v);
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.assertOpen();
    const history = this.versions.get(key);
    const latest = history?.[history.length - 1];
    if (!latest || latest.deleted) throw new KeyNotFoundError(key);
    if (expectedModRevision !== undefined && latest.modRevision !== expectedModRevision) {
      throw new RevisionMismatchError(key, expectedModRevision, toKv(key, latest));
    }
    const rev = ++this.revision;
    const tomb: Version = { value: latest.value, createRevision: latest.createRevision, modRevision: rev, version: latest.version, deleted: true };
    this.append(key, tomb, history);
    this.historyBytes += latest.value.length;
    this.dead.add(key);
    const kv = toKv(key, tomb);
    this.emit({ type: 'delete', kv, prevKv: toKv(key, latest) });
    return kv;
  }

  async watch(opts: StoreWatchOptions, sink: WatchSink): Promise<StoreWatch> {
    this.assertOpen();
    if (opts.afterRevision < this.compacted) throw new CompactedError(opts.afterRevision + 1, this.compacted);
    const w: Watcher = { prefix: opts.prefix, sink, pending: [], sentSinceTick: false, progressWanted: false, stopped: false };
    // Replay history after the requested revision from the log, then go live.
    for (let i = this.logIndexAfter(opts.afterRevision); i < this.log.length; i++) {
      const e = this.log[i]!;
      if (e.kv.key.startsWith(w.prefix)) w.pending.push(e);
    }
    this.watchers.add(w);
    if (w.pending.length) this.flusher.schedule();
    if (opts.progressNotifyMs && opts.progressNotifyMs > 0) {
      w.ticker = this.clock.tick(opts.progressNotifyMs, () => {
        if (w.stopped) return;
        if (!w.sentSinceTick && w.pending.length === 0) w.sink.progress?.(this.revision);
        w.sentSinceTick = false;
      });
    }
    return {
      stop: () => {
        w.stopped = true;
        w.ticker?.stop();
        this.watchers.delete(w);
      },
      requestProgress: () => {
        if (w.stopped) return;
        w.progressWanted = true;
        this.flusher.schedule();
      },
    };
  }

  async compact(revision: number): Promise<void> {
    if (revision > this.revision) throw new FutureRevisionError(revision, this.revision);
    if (revision <= this.compacted) return;
    this.compacted = revision;
    this.log = this.log.slice(this.logIndexAfter(revision));
    let historyBytes = 0;
    for (const [key, history] of this.versions) {
      // Keep the newest version at or below the compacted revision (the snapshot there) and all newer ones.
      let keepFrom = 0;
      for (let i = history.length - 1; i >= 0; i--) {
        if (history[i]!.modRevision <= revision) {
          keepFrom = i;
          break;
        }
      }
      const kept = keepFrom > 0 ? history.slice(keepFrom) : history;
      if (kept.length === 1 && kept[0]!.deleted && kept[0]!.modRevision <= revision) {
        this.versions.delete(key);
        this.keys.delete(key);
        this.dead.delete(key);
        continue;
      }
      if (kept !== history) this.versions.set(key, kept);
      const last = kept[kept.length - 1]!;
      for (let i = 0; i < kept.length - 1; i++) historyBytes += kept[i]!.value.length;
      if (last.deleted) historyBytes += last.value.length;
    }
    this.historyBytes = historyBytes;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.compactor?.stop();
    for (const w of this.watchers) {
      w.stopped = true;
      w.ticker?.stop();
    }
    this.watchers.clear();
  }

  /** Number of live keys (for tests and metrics). */
  size(): number {
    let n = 0;
    for (const history of this.versions.values()) if (!history[history.length - 1]!.deleted) n++;
    return n;
  }

  private readRevision(requested?: number): number {
    if (!requested) return this.revision;
    if (requested > this.revision) throw new FutureRevisionError(requested, this.revision);
    if (requested < this.compacted) throw new CompactedError(requested, this.compacted);
    return requested;
  }

  private visible(key: string, rev: number): Version | undefined {
    const history = this.versions.get(key);
    if (!history) return undefined;
    for (let i = history.length - 1; i >= 0; i--) {
      const v = history[i]!;
      if (v.modRevision <= rev) return v.deleted ? undefined : v;
    }
    return undefined;
  }

  private append(key: string, v: Version, history: Version[] | undefined): void {
    if (history) history.push(v);
    else {
      this.versions.set(key, [v]);
      this.keys.insert(key);
    }
  }

  private emit(event: StoreEvent): void {
    this.log.push(event);
    for (const w of this.watchers) {
      if (event.kv.key.startsWith(w.prefix)) w.pending.push(event);
    }
    this.flusher.schedule();
    if (this.log.length > this.historyLimit) void this.compact(this.revision - Math.floor(this.historyLimit / 2));
    else if (this.historyBytes > this.historyBytesLimit) void this.compact(this.halfHistoryRevision());
  }

  /** The revision up to which the log's events superseded about half of the history's bytes. */
  private halfHistoryRevision(): number {
    let bytes = 0;
    for (const e of this.log) {
      bytes += e.prevKv?.value.length ?? 0;
      if (bytes * 2 >= this.historyBytes) return e.kv.modRevision;
    }
    return this.revision;
  }

  /** Index of the first log entry with revision > rev. */
  private logIndexAfter(rev: number): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid]!.kv.modRevision <= rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

function toKv(key: string, v: Version): KeyValue {
  return { key, value: v.value, createRevision: v.createRevision, modRevision: v.modRevision, version: v.version };
}
