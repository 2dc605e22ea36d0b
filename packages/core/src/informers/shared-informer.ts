import { type KindRef, type KubeObject, objectKey } from '@keelson/api';
import type { Clock } from '../clock/clock.js';
import { type Logger, silentLogger } from '../log.js';
import type { BackoffOptions } from './backoff.js';
import { InformerAlreadyStartedError, InformerStoppedError } from './errors.js';
import { createIndexer, defaultIndexers } from './indexer.js';
import type { HandlerRegistration, Indexer, Indexers, Lister, ResourceEventHandler, SharedIndexInformer } from './interfaces.js';
import { kindKey } from './kind-key.js';
import type { ListerWatcher } from './list-watch.js';
import { createLister } from './listers.js';
import { type Notification, ProcessorListener } from './processor-listener.js';
import { type Reflector, type ReflectorStore, createReflector } from './reflector.js';

/**
 * A shared informer: one cache per kind, fed by one reflector, observed by many handlers
 * (client-go's sharedIndexInformer).
 *
 * Guarantees:
 * 1. The cache changes before handlers hear about it: when a handler runs for a change, the
 *    lister already shows that change (and possibly later ones).
 * 2. Each handler gets its notifications one at a time, in the order the cache changed. Each has
 *    its own unbounded queue, so a slow (async) handler delays only itself.
 * 3. A handler added after start first gets onAdd(obj, true) for every cached object, then the
 *    changes made after it was added: it never misses or doubles an object.
 * 4. Deletions carry the last known object. A deletion discovered by a relist (the object is not
 *    in the new list) is onDelete(lastKnown, { finalStateUnknown: true }); a DELETED watch event
 *    is onDelete(finalState, { finalStateUnknown: false }). No tombstone type ever reaches a handler.
 * 5. A relist is compared with the cache: new keys are adds, keys with a new resourceVersion are
 *    updates, missing keys are deletes, a key whose uid changed is a delete then an add. Objects
 *    whose resourceVersion did not change are not re-delivered (that is what resync is for).
 * 6. Resync re-delivers every cached object as onUpdate(obj, obj), to handlers whose period is due.
 * 7. start() resolves once the first list is in the cache and every handler registered by then
 *    has processed all of it (no race between a non-blocking start and wait-for-sync).
 */

export interface SharedIndexInformerOptions<T extends KubeObject> {
  kind: KindRef;
  listerWatcher: ListerWatcher<T>;
  clock: Clock;
  /** Resync period for handlers that give none; 0 (default) = no resync. */
  resyncMs?: number;
  /** Extra indexes (the namespace index is always there). */
  indexers?: Indexers<T>;
  log?: Logger;
  /** Reflector list page size (default 500; 0 = unpaginated). */
  pageSize?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  /**
   * Applied to every object before it enters the cache or reaches a handler (client-go's
   * SetTransform), e.g. stripManagedFields. It must return a new object rather than change its
   * argument (a ListerWatcher may hand out objects it keeps).
   */
  transform?: (obj: T) => T;
}

/**
 * The informer transform that drops metadata.managedFields (client-go's
 * TransformStripManagedFields): controllers do not read field ownership, and it is often most of
 * a decoded object. An update built from a cached object keeps the stored managedFields, since a
 * write without them leaves them as they are.
 */
export function stripManagedFields<T extends KubeObject>(obj: T): T {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** client-go's minimumResyncPeriod. */
const minimumResyncMs = 1000;

export function createSharedIndexInformer<T extends KubeObject = KubeObject>(opts: SharedIndexInformerOptions<T>): SharedIndexInformer<T> {
  return new SharedIndexInformerImpl<T>(opts);
}

class SharedIndexInformerImpl<T extends KubeObject> implements SharedIndexInformer<T>, ReflectorStore<T> {
  readonly kind: KindRef;
  private readonly name: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly indexer: Indexer<T>;
  private readonly defaultResyncMs: number;
  private resyncCheckMs: number;
  private listeners: ProcessorListener<T>[] = [];
  private resyncing: ProcessorListener<T>[] = [];
  private reflector: Reflector | undefined;
  private cachedLister: Lister<T> | undefined;
  private startPromise: Promise<void> | undefined;
  private synced = false;
  private stopped = false;
  private settleSync: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly opts: SharedIndexInformerOptions<T>) {
    this.kind = opts.kind;
    this.name = kindKey(opts.kind);
    this.clock = opts.clock;
    this.log = (opts.log ?? silentLogger).child(`informer(${this.name})`);
    this.defaultResyncMs = clampResync(opts.resyncMs ?? 0);
    this.resyncCheckMs = this.defaultResyncMs;
    this.indexer = createIndexer<T>(objectKey, { ...defaultIndexers<T>(), ...opts.indexers });
  }

  addEventHandler(handler: ResourceEventHandler<T>, resyncPeriodMs?: number): HandlerRegistration {
    if (this.stopped) throw new InformerStoppedError(this.name, 'has stopped: handlers can no longer be added');
    let period = clampResync(resyncPeriodMs ?? this.defaultResyncMs);
    if (period > 0) {
      if (!this.startPromise) {
        if (this.resyncCheckMs === 0 || period < this.resyncCheckMs) this.resyncCheckMs = period;
      } else if (this.resyncCheckMs === 0) {
        this.log.warn('resync requested after start on an informer started without resync: ignored', { resyncPeriodMs: period });
        period = 0;
      } else if (period < this.resyncCheckMs) {
        this.log.warn('resync period smaller than the informer check period: raised', { resyncPeriodMs: period, checkMs: this.resyncCheckMs });
        period = this.resyncCheckMs;
      }
    }
    const listener = new ProcessorListener<T>(handler, period, this.log);
    listener.nextResyncAt = this.clock.now() + period;
    this.listeners.push(listener);
    if (this.synced) {
      // Late join: replay the cache, in one synchronous step, so no change slips in between.
      for (const obj of this.indexer.list()) listener.push({ type: 'add', obj, initial: true });
      listener.push({ type: 'synced' });
    }
    return {
      remove: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        this.resyncing = this.resyncing.filter((l) => l !== listener);
        listener.stop();
      },
      hasSynced: () => listener.hasSynced(),
    };
  }

  getIndexer(): Indexer<T> {
    return this.indexer;
  }

  addIndexers(indexers: Indexers<T>): void {
    if (this.startPromise) throw new InformerAlreadyStartedError('addIndexers', this.name);
    this.indexer.addIndexers(indexers);
  }

  lister(): Lister<T> {
    return (this.cachedLister ??= createLister(this.indexer));
  }

  hasSynced(): boolean {
    return this.synced;
  }

  lastSyncResourceVersion(): string {
    return this.reflector?.lastSyncResourceVersion() ?? '';
  }

  start(): Promise<void> {
    if (this.startPromise) return this.startPromise;
    if (this.stopped) return Promise.reject(new InformerStoppedError(this.name, 'has stopped: it cannot be started again'));
    const cacheSynced = new Promise<void>((resolve, reject) => (this.settleSync = { resolve, reject }));
    this.startPromise = (async () => {
      await cacheSynced;
      await Promise.all(this.listeners.map((l) => l.syncedPromise));
      if (this.stopped) throw new InformerStoppedError(this.name, 'was stopped before its handlers synced');
    })();
    this.reflector = createReflector<T>({
      name: this.name,
      listerWatcher: this.opts.listerWatcher,
      store: this,
      clock: this.clock,
      log: this.log,
      pageSize: this.opts.pageSize,
      resyncMs: this.resyncCheckMs,
      shouldResync: () => this.shouldResync(),
      backoff: this.opts.backoff,
      random: this.opts.random,
    });
    this.reflector.run();
    return this.startPromise;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reflector?.stop();
    for (const l of this.listeners) l.stop();
    if (!this.synced) this.settleSync?.reject(new InformerStoppedError(this.name));
  }

  // ---- ReflectorStore: the cache changes first, then every listener is told. ----

  replace(items: T[], _resourceVersion: string): void {
    if (this.stopped) return;
    const transform = this.opts.transform;
    if (transform) items = items.map(transform);
    if (!this.synced) {
      this.indexer.replace(items);
      for (const l of this.listeners) {
        for (const obj of items) l.push({ type: 'add', obj, initial: true });
        l.push({ type: 'synced' });
      }
      this.synced = true;
      this.settleSync?.resolve();
      return;
    }
    const notes = this.diff(items);
    this.indexer.replace(items);
    for (const n of notes) this.distribute(n);
  }

  add(obj: T): void {
    this.upsert(obj);
  }

  update(obj: T): void {
    this.upsert(obj);
  }

  delete(obj: T): void {
    if (this.stopped) return;
    if (this.opts.transform) obj = this.opts.transform(obj);
    // A deletion of an object we never had is nothing to report (client-go's DeltaFIFO agrees).
    if (this.indexer.get(obj) === undefined) return;
    this.indexer.delete(obj);
    this.distribute({ type: 'delete', obj, info: { finalStateUnknown: false } });
  }

  resync(): void {
    if (this.stopped || this.resyncing.length === 0) return;
    const objs = this.indexer.list();
    for (const l of this.resyncing) for (const obj of objs) l.push({ type: 'update', oldObj: obj, newObj: obj });
    this.resyncing = [];
  }

  /** Picks the listeners whose resync is due (client-go's shouldResync). */
  private shouldResync(): boolean {
    const now = this.clock.now();
    this.resyncing = [];
    for (const l of this.listeners) {
      if (l.resyncPeriodMs > 0 && now >= l.nextResyncAt) {
        this.resyncing.push(l);
        l.nextResyncAt = now + l.resyncPeriodMs;
      }
    }
    return this.resyncing.length > 0;
  }

  private upsert(obj: T): void {
    if (this.stopped) return;
    if (this.opts.transform) obj = this.opts.transform(obj);
    const old = this.indexer.get(obj);
    this.indexer.update(obj);
    this.distribute(old === undefined ? { type: 'add', obj, initial: false } : { type: 'update', oldObj: old, newObj: obj });
  }

  /** What a relist means for the handlers, against the cache as it is. */
  private diff(items: T[]): Notification<T>[] {
    const known = new Map<string, T>();
    for (const key of this.indexer.listKeys()) known.set(key, this.indexer.getByKey(key)!);
    const notes: Notification<T>[] = [];
    for (const obj of items) {
      const key = objectKey(obj);
      const old = known.get(key);
      if (old === undefined) {
        notes.push({ type: 'add', obj, initial: false });
        continue;
      }
      known.delete(key);
      const oldUid = old.metadata.uid;
      const newUid = obj.metadata.uid;
      if (oldUid && newUid && oldUid !== newUid) {
        notes.push({ type: 'delete', obj: old, info: { finalStateUnknown: true } });
        notes.push({ type: 'add', obj, initial: false });
      } else if (!obj.metadata.resourceVersion || old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        notes.push({ type: 'update', oldObj: old, newObj: obj });
      }
    }
    for (const old of known.values()) notes.push({ type: 'delete', obj: old, info: { finalStateUnknown: true } });
    return notes;
  }

  private distribute(n: Notification<T>): void {
    for (const l of this.listeners) l.push(n);
  }
}

function clampResync(ms: number): number {
  if (ms <= 0) return 0;
  return Math.max(ms, minimumResyncMs);
}
