import { ApiError, type KubeList, type KubeObject, type Status, isResourceExpired } from '@keelson/api';
import type { WatchEvent, WatchHandle } from '../client/client.js';
import type { Clock, Ticker } from '../clock/clock.js';
import { type Logger, silentLogger } from '../log.js';
import { type BackoffOptions, ExponentialBackoff } from './backoff.js';
import type { ListerWatcher, ReflectorListOptions } from './list-watch.js';

/**
 * The reflector keeps a store in step with the server (client-go's Reflector):
 *
 * - It lists (paginated: `limit` + `continue`; a 410 on a continuation falls back to one full
 *   list), hands the items to `store.replace`, then watches from the list's resourceVersion and
 *   hands each event to `store.add/update/delete`.
 * - It tracks the last resourceVersion it has seen, from events and from BOOKMARKs (it asks for
 *   bookmarks), and re-watches from it when a watch ends.
 * - A 410 (watch rejected, or an ERROR event with code 410) means the history is gone: it relists
 *   from the last resourceVersion, and if that list is itself 410, from "" (the latest state).
 * - Other failures wait a jittered exponential back-off on the injected Clock, then retry the
 *   failed step: a failed list is retried, a failed watch resumes from the last resourceVersion.
 * - Every `resyncMs` it calls `store.resync()` when `shouldResync()` says so.
 */

/** Where the reflector puts what it sees. */
export interface ReflectorStore<T extends KubeObject> {
  /** The full content after a list, at resourceVersion. */
  replace(items: T[], resourceVersion: string): void;
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
  /** Re-deliver the cached objects (periodic resync). */
  resync(): void;
}

export interface ReflectorOptions<T extends KubeObject> {
  /** For logs, e.g. "v1, Kind=Pod". */
  name?: string;
  listerWatcher: ListerWatcher<T>;
  store: ReflectorStore<T>;
  clock: Clock;
  log?: Logger;
  /** Page size of lists; 0 = unpaginated. Default 500. */
  pageSize?: number;
  /** Resync period; 0 (default) = never. */
  resyncMs?: number;
  /** Asked at each resync tick; resync happens only when it returns true. Default: always. */
  shouldResync?: () => boolean;
  /** Default true. */
  allowWatchBookmarks?: boolean;
  /** Watches ask the server to end after a random time in [min, 2×min]. Default 300 s. */
  minWatchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  /** In [0, 1); used for jitter and watch timeouts (Math.random by default). */
  random?: () => number;
  /** Called with every list/watch failure (after it is logged). */
  onError?: (err: unknown) => void;
}

export interface Reflector {
  /** Starts the list-and-watch loop (idempotent). */
  run(): void;
  /** Ends the loop and the current watch; no further store calls are made. */
  stop(): void;
  /** The resourceVersion of the last list, event or bookmark seen ("" before the first list). */
  lastSyncResourceVersion(): string;
  /** Resolves when the loop has ended after stop(). */
  readonly done: Promise<void>;
}

export function createReflector<T extends KubeObject>(opts: ReflectorOptions<T>): Reflector {
  return new ReflectorImpl(opts);
}

type WatchOutcome =
  | { kind: 'ended' } // closed by the server (timeout): resume at once
  | { kind: 'short' } // closed at once without any event: resume after a back-off
  | { kind: 'expired' } // 410: relist
  | { kind: 'error'; error: unknown } // resume after a back-off
  | { kind: 'stopped' };

/** A watch that ends sooner than this without a single event counts as a failure. */
const shortWatchMs = 1000;

class ReflectorImpl<T extends KubeObject> implements Reflector {
  private readonly name: string;
  private readonly lw: ListerWatcher<T>;
  private readonly store: ReflectorStore<T>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly pageSize: number;
  private readonly random: () => number;
  private readonly backoff: ExponentialBackoff;
  private readonly abort = new AbortController();
  private lastRV = '';
  /** The last list or watch was 410 for lastRV: the next list asks for the latest state. */
  private rvUnavailable = false;
  private started = false;
  private stopped = false;
  private resyncTicker: Ticker | undefined;
  private endWatch: (() => void) | undefined;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((r) => (this.resolveDone = r));

  constructor(private readonly opts: ReflectorOptions<T>) {
    this.name = opts.name ?? 'reflector';
    this.lw = opts.listerWatcher;
    this.store = opts.store;
    this.clock = opts.clock;
    this.log = opts.log ?? silentLogger;
    this.pageSize = opts.pageSize ?? 500;
    this.random = opts.random ?? opts.backoff?.random ?? Math.random;
    this.backoff = new ExponentialBackoff(opts.clock, { random: this.random, ...opts.backoff });
  }

  run(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const resyncMs = this.opts.resyncMs ?? 0;
    if (resyncMs > 0) {
      this.resyncTicker = this.clock.tick(resyncMs, () => {
        if (!this.stopped && (this.opts.shouldResync?.() ?? true)) this.store.resync();
      });
    }
    void this.loop().finally(() => this.resolveDone());
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.resyncTicker?.stop();
    this.abort.abort();
    this.endWatch?.();
    if (!this.started) this.resolveDone();
  }

  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  private async loop(): Promise<void> {
    let needList = true;
    /** 410s in a row without a single watch event in between: the second one backs off. */
    let expiredInARow = 0;
    while (!this.stopped) {
      if (needList) {
        try {
          await this.listAndReplace();
          needList = false;
        } catch (err) {
          if (this.stopped) break;
          this.report('list', err);
          await this.sleepBackoff();
          continue;
        }
      }
      const outcome = await this.watchOnce(() => (expiredInARow = 0));
      switch (outcome.kind) {
        case 'stopped':
          return;
        case 'ended':
          break;
        case 'short':
          this.log.debug('watch closed at once, backing off', { reflector: this.name });
          await this.sleepBackoff();
          break;
        case 'expired':
          this.log.info('watch history expired (410), relisting', { reflector: this.name, resourceVersion: this.lastRV });
          needList = true;
          if (expiredInARow++ > 0) await this.sleepBackoff();
          break;
        case 'error':
          this.report('watch', outcome.error);
          await this.sleepBackoff();
          break;
      }
    }
  }

  /** client-go's relistResourceVersion: "0" (any, from cache) at first, then the last seen RV. */
  private relistResourceVersion(): string {
    if (this.rvUnavailable) return '';
    return this.lastRV === '' ? '0' : this.lastRV;
  }

  private async listAndReplace(): Promise<void> {
    const rv = this.relistResourceVersion();
    let list: { items: T[]; resourceVersion: string };
    try {
      list = await this.pagedList(rv);
    } catch (err) {
      if (!isResourceExpired(err) || rv === '') throw err;
      this.log.info('list at resourceVersion expired (410), listing the latest state', { reflector: this.name, resourceVersion: rv });
      this.rvUnavailable = true;
      list = await this.pagedList('');
    }
    if (this.stopped) return;
    this.rvUnavailable = false;
    this.store.replace(list.items, list.resourceVersion);
    this.lastRV = list.resourceVersion;
  }

  /** client-go's ListPager: pages of pageSize; a 410 on a continuation falls back to one full list. */
  private async pagedList(resourceVersion: string): Promise<{ items: T[]; resourceVersion: string }> {
    const first: ReflectorListOptions = { resourceVersion };
    if (this.pageSize > 0) first.limit = this.pageSize;
    let opts = first;
    const items: T[] = [];
    let listRV = '';
    for (;;) {
      let page: KubeList<T>;
      try {
        page = await this.lw.list(opts);
      } catch (err) {
        if (!isResourceExpired(err) || !opts.continue) throw err;
        this.log.info('list continuation expired (410), falling back to a full list', { reflector: this.name });
        const full = await this.lw.list({ resourceVersion });
        return { items: full.items, resourceVersion: full.metadata.resourceVersion ?? '' };
      }
      for (const item of page.items) items.push(item);
      listRV = page.metadata.resourceVersion ?? listRV;
      const cont = page.metadata.continue;
      if (!cont || this.stopped) break;
      // A continuation carries its own snapshot: no resourceVersion with it.
      opts = { limit: this.pageSize, continue: cont };
    }
    return { items, resourceVersion: listRV };
  }

  private async watchOnce(onEvent: () => void): Promise<WatchOutcome> {
    const startedAt = this.clock.now();
    let events = 0;
    let outcome: WatchOutcome | undefined;
    let handle: WatchHandle | undefined;
    let wake!: () => void;
    const finished = new Promise<void>((r) => (wake = r));
    const finish = (o: WatchOutcome) => {
      if (outcome) return;
      outcome = o;
      handle?.stop();
      wake();
    };
    this.endWatch = () => finish({ kind: 'stopped' });

    const handler = (ev: WatchEvent<T>) => {
      if (outcome || this.stopped) return;
      if (ev.type === 'ERROR') {
        const status = ev.object as Status;
        finish(status?.code === 410 ? { kind: 'expired' } : { kind: 'error', error: ApiError.fromStatus(status) });
        return;
      }
      events++;
      onEvent();
      const rv = ev.object?.metadata?.resourceVersion;
      if (ev.type === 'ADDED') this.store.add(ev.object);
      else if (ev.type === 'MODIFIED') this.store.update(ev.object);
      else if (ev.type === 'DELETED') this.store.delete(ev.object);
      if (rv) this.lastRV = rv;
    };

    const min = this.opts.minWatchTimeoutSeconds ?? 300;
    try {
      handle = await this.lw.watch(
        {
          resourceVersion: this.lastRV,
          allowWatchBookmarks: this.opts.allowWatchBookmarks ?? true,
          timeoutSeconds: Math.floor(min * (1 + this.random())),
        },
        handler,
      );
    } catch (err) {
      this.endWatch = undefined;
      if (this.stopped) return { kind: 'stopped' };
      return isResourceExpired(err) ? { kind: 'expired' } : { kind: 'error', error: err };
    }
    if (outcome || this.stopped) handle.stop();
    else await Promise.race([handle.done.then(undefined, (error: unknown) => finish({ kind: 'error', error })), finished]);
    handle.stop();
    this.endWatch = undefined;
    if (this.stopped) return { kind: 'stopped' };
    if (outcome) return outcome;
    if (events === 0 && this.clock.now() - startedAt < shortWatchMs) return { kind: 'short' };
    return { kind: 'ended' };
  }

  private async sleepBackoff(): Promise<void> {
    if (this.stopped) return;
    const ms = this.backoff.next();
    try {
      await this.clock.sleep(ms, this.abort.signal);
    } catch {
      // aborted by stop()
    }
  }

  private report(what: 'list' | 'watch', err: unknown): void {
    this.log.warn(`${what} failed`, { reflector: this.name, error: err instanceof Error ? err.message : String(err) });
    this.opts.onError?.(err);
  }
}
