import type { KindDefinition, KubeObject } from '@keelson/api';
import type { Clock, Timer } from '../../clock/clock.js';
import type { Logger } from '../../log.js';
import { SortedKeys } from '../../store/sorted-keys.js';
import type { KeyValue, Store, StoreEvent, StoreWatch } from '../../store/store.js';
import { decodeObject } from '../codec.js';
import { kindPrefix } from '../keys.js';
import { EventRing } from './event-ring.js';

export interface WatchCacheOptions {
  /** Events kept per resource for watches resuming from a resourceVersion (default 1000). */
  capacity?: number;
  /** How long a read waits for the cache to reach a revision before reading the store instead, in ms (default 3000). */
  waitTimeoutMs?: number;
}

export const DEFAULT_WATCH_CACHE_CAPACITY = 1000;
export const DEFAULT_WATCH_CACHE_WAIT_MS = 3000;

/** An object in the cache: its stored form, and (once a selector needed it) a decoded view never handed out. */
export interface CacheEntry {
  readonly kv: KeyValue;
  view?: KubeObject;
}

/** One change, as the store reported it (delete: kv is the last value at the deletion's revision). */
export interface CacheEvent {
  readonly revision: number;
  readonly type: 'put' | 'delete';
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
  view?: KubeObject;
  prevView?: KubeObject;
}

/** A consumer of the cache's events (a watch served from the cache). */
export interface CacheWatcher {
  readonly prefix: string;
  /** Handed every event under the prefix, synchronously and in revision order. */
  deliver(e: CacheEvent): void;
  /** The cache restarted (its store watch failed): this watch ends; the client resumes or relists. */
  terminate(): void;
}

interface Waiter {
  revision: number;
  resolve(reached: boolean): void;
  timer?: Timer;
}

/**
 * kube-apiserver's watch cache (cacher) for one kind: a list of the store, kept current by one
 * store watch, holds every object in key order and a bounded ring of recent events. Reads wait
 * until the cache has reached the revision they need (asking the store for a progress
 * notification, so a quiet resource still catches up with writes elsewhere); watches are fed
 * from the ring, then live. The serving semantics (list and watch options) are in cache-reads.ts.
 */
export class WatchCache {
  /** Every change up to this revision is reflected (meaningful once started). */
  revision = 0;
  readonly prefix: string;
  readonly waitTimeoutMs: number;
  private readonly items = new Map<string, CacheEntry>();
  private keys = new SortedKeys();
  /** Identifies the current start: callbacks of a replaced store watch are ignored. */
  private generation: object = {};
  private readonly ring: EventRing<CacheEvent>;
  /** The revision of the initial list: history before it was never in the ring. */
  listRevision = 0;
  private storeWatch?: StoreWatch;
  private starting?: Promise<void>;
  private readonly watchers = new Set<CacheWatcher>();
  private waiters: Waiter[] = [];
  private progressRequested = false;
  /** Closed for good (the registry stopped): reads go to the store. */
  closed = false;

  constructor(
    readonly kind: KindDefinition,
    private readonly store: Store,
    private readonly clock: Clock,
    opts: WatchCacheOptions = {},
    private readonly log?: Logger,
  ) {
    this.prefix = kindPrefix(kind);
    this.ring = new EventRing<CacheEvent>(opts.capacity ?? DEFAULT_WATCH_CACHE_CAPACITY);
    this.waitTimeoutMs = opts.waitTimeoutMs ?? DEFAULT_WATCH_CACHE_WAIT_MS;
  }

  /** Lists the store and starts watching it (once; again after a failure). */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('watch cache is closed'));
    this.starting ??= this.init().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  get started(): boolean {
    return this.storeWatch !== undefined;
  }

  /** Whether the store can be asked for progress (consistent reads from the cache need it). */
  get consistentReads(): boolean {
    return !!this.storeWatch?.requestProgress;
  }

  /** The oldest resourceVersion a watch can resume from: history after it is all in the ring. */
  get oldestRevision(): number {
    return Math.max(this.listRevision, this.ring.evicted);
  }

  /** The newest revision the ring dropped (0 if none): a watch from before it gets 410. */
  get evictedRevision(): number {
    return this.ring.evicted;
  }

  get size(): number {
    return this.items.size;
  }

  /**
   * Resolves true once the cache has reached `revision`, false if it did not within the wait
   * timeout (the caller then reads the store). Asks the store for a progress notification.
   */
  async waitUntil(revision: number): Promise<boolean> {
    await this.start();
    if (this.revision >= revision) return true;
    if (!this.storeWatch?.requestProgress) return false;
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = { revision, resolve };
      waiter.timer = this.clock.setTimer(this.waitTimeoutMs, () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        // An unanswered progress request must not block the next one.
        this.progressRequested = false;
        this.log?.debug('watch cache did not reach the revision in time; reading the store', { kind: this.kind.kind, revision, at: this.revision });
        resolve(false);
      });
      this.waiters.push(waiter);
      this.requestProgress();
    });
  }

  /** Entries under a prefix in key order, after `startAfter` if given. */
  *entries(prefix: string, startAfter?: string): Generator<[string, CacheEntry]> {
    const from = startAfter !== undefined && startAfter >= prefix ? startAfter : prefix;
    for (const key of this.keys.from(from, from === startAfter)) {
      if (!key.startsWith(prefix)) return;
      yield [key, this.items.get(key)!];
    }
  }

  /** Number of keys under the prefix after `key`. */
  countAfter(prefix: string, key: string): number {
    return this.keys.countBetween(key, true, prefix + '\uffff');
  }

  /** The decoded view of an entry or event side, for selector matching only (shared: never hand it out). */
  view(kv: KeyValue, holder: { view?: KubeObject }): KubeObject {
    return (holder.view ??= decodeObject(kv));
  }

  prevView(e: CacheEvent): KubeObject | undefined {
    if (!e.prevKv) return undefined;
    return (e.prevView ??= decodeObject(e.prevKv));
  }

  /** Events after `revision` still in the ring (caller checked it is not older than oldestRevision). */
  eventsAfter(revision: number): CacheEvent[] {
    return this.ring.after(revision);
  }

  addWatcher(w: CacheWatcher): void {
    this.watchers.add(w);
  }

  removeWatcher(w: CacheWatcher): void {
    this.watchers.delete(w);
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Stops the store watch, ends every watcher, fails no one waiting (they read the store). */
  close(): void {
    this.closed = true;
    this.reset();
  }

  private async init(): Promise<void> {
    const generation = {};
    this.generation = generation;
    let startAfter: string | undefined;
    let snapshot: number | undefined;
    const entries: KeyValue[] = [];
    for (;;) {
      const page = await this.store.range({ prefix: this.prefix, limit: 1000, startAfter, revision: snapshot });
      snapshot = page.revision;
      entries.push(...page.items);
      if (!page.more) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    if (this.generation !== generation) throw new Error('watch cache was reset while starting');
    this.items.clear();
    this.keys = new SortedKeys();
    for (const kv of entries) {
      this.items.set(kv.key, { kv });
      this.keys.insert(kv.key);
    }
    this.listRevision = snapshot!;
    this.revision = snapshot!;
    this.ring.reset();
    // Events may arrive before watch() returns: they apply to the state just built.
    const watch = await this.store.watch(
      { prefix: this.prefix, afterRevision: snapshot! },
      {
        events: (events) => this.generation === generation && this.apply(events),
        progress: (revision) => this.generation === generation && this.progress(revision),
        error: (err) => this.generation === generation && this.failed(err),
      },
    );
    if (this.generation !== generation) {
      watch.stop();
      throw new Error('watch cache was reset while starting');
    }
    this.storeWatch = watch;
    this.resolveWaiters();
  }

  private apply(events: StoreEvent[]): void {
    for (const se of events) {
      const revision = se.kv.modRevision;
      if (revision < this.revision) continue;
      const e: CacheEvent = { revision, type: se.type, kv: se.kv, prevKv: se.prevKv };
      if (se.type === 'put') {
        if (!this.items.has(se.kv.key)) this.keys.insert(se.kv.key);
        this.items.set(se.kv.key, { kv: se.kv });
      } else {
        this.items.delete(se.kv.key);
        this.keys.delete(se.kv.key);
      }
      this.ring.push(e);
      this.revision = revision;
      for (const w of this.watchers) if (se.kv.key.startsWith(w.prefix)) w.deliver(e);
    }
    this.resolveWaiters();
  }

  private progress(revision: number): void {
    this.progressRequested = false;
    if (revision > this.revision) this.revision = revision;
    this.resolveWaiters();
    if (this.waiters.length) this.requestProgress();
  }

  private failed(err: Error): void {
    this.log?.warn('watch cache lost its store watch; restarting', { kind: this.kind.kind, error: err.message });
    this.reset();
  }

  /** Drops the state and the watchers; the next read lists the store again. */
  private reset(): void {
    this.generation = {};
    this.storeWatch?.stop();
    this.storeWatch = undefined;
    this.starting = undefined;
    this.progressRequested = false;
    for (const w of [...this.watchers]) w.terminate();
    this.watchers.clear();
    for (const w of this.waiters.splice(0)) {
      w.timer?.stop();
      w.resolve(false);
    }
  }

  private requestProgress(): void {
    if (this.progressRequested || !this.storeWatch?.requestProgress) return;
    this.progressRequested = true;
    this.storeWatch.requestProgress();
  }

  private resolveWaiters(): void {
    if (!this.waiters.length) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.revision <= this.revision) {
        w.timer?.stop();
        w.resolve(true);
      } else {
        still.push(w);
      }
    }
    this.waiters = still;
  }
}
