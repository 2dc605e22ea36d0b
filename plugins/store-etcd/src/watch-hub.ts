import { type Clock, type Logger, type StoreEvent, type StoreWatch, type StoreWatchOptions, type Ticker, type WatchSink, WatchFlusher } from '@keelson/core';
import type { Etcd3 } from 'etcd3';
import { RawWatch } from './raw-watch.js';

interface Watcher {
  prefix: string;
  sink: WatchSink;
  /** Events not yet handed to the sink. */
  pending: StoreEvent[];
  /** Events from the shared watch that arrived while this watcher replayed history. */
  buffered: StoreEvent[];
  /** Only events after this revision are delivered. */
  after: number;
  live: boolean;
  catchUp?: RawWatch;
  /** A progress notification is owed once the hub has seen this revision (0 = none). */
  progressAt: number;
  /** A progress notification goes out after the pending events. */
  progressDue: number;
  sentSinceTick: boolean;
  ticker?: Ticker;
  stopped: boolean;
}

const ALL_KEYS = Buffer.from([0]);

export interface WatchHubDeps {
  client: Etcd3;
  clock: Clock;
  log?: Logger;
  /** The store's current revision (a linearizable read). */
  currentRevision(): Promise<number>;
}

/**
 * Every Store watch of one process rides on one etcd watcher over the whole keyspace, split by
 * prefix here. Because it sees every revision (each revision of etcd has at least one event), its
 * position is exact progress for every prefix: a watcher can be told "nothing of yours up to R"
 * without etcd's progress requests (unordered with events before etcd 3.4.31/3.5.13). A watch from
 * a revision the shared watcher has passed replays that history through its own etcd watcher
 * (whole keyspace too, so it knows when it reached the shared one), then joins it.
 */
export class EtcdWatchHub {
  private shared?: RawWatch;
  private starting?: Promise<void>;
  /** Every revision up to here has been received by the shared watcher. */
  private cursor = 0;
  private readonly watchers = new Set<Watcher>();
  private readonly flusher = new WatchFlusher<Watcher>(this.watchers, (w) => {
    const revision = w.progressDue;
    if (!revision) return undefined;
    w.progressDue = 0;
    return revision;
  });

  constructor(private readonly deps: WatchHubDeps) {}

  get size(): number {
    return this.watchers.size;
  }

  async add(opts: StoreWatchOptions, sink: WatchSink): Promise<StoreWatch> {
    const w: Watcher = {
      prefix: opts.prefix,
      sink,
      pending: [],
      buffered: [],
      after: opts.afterRevision,
      live: false,
      progressAt: 0,
      progressDue: 0,
      sentSinceTick: false,
      stopped: false,
    };
    if (!this.shared) {
      // The first watch starts the shared watcher right where it needs it, and is live at once.
      this.cursor = opts.afterRevision;
      w.live = true;
      this.watchers.add(w);
      const shared = new RawWatch(this.deps.client, { key: ALL_KEYS, rangeEnd: ALL_KEYS, startRevision: opts.afterRevision + 1, log: this.deps.log }, {
        events: (events) => this.onShared(events),
        progress: (revision) => this.advance(revision),
        ended: (err) => this.onSharedEnded(err),
      });
      this.shared = shared;
      this.starting = shared.start();
      try {
        await this.starting;
      } catch (err) {
        this.remove(w);
        if (this.shared === shared) {
          shared.stop();
          this.shared = undefined;
        }
        throw err;
      }
    } else {
      await this.starting;
      this.watchers.add(w);
      if (opts.afterRevision >= this.cursor) w.live = true;
      else await this.startCatchUp(w, opts.afterRevision);
    }
    if (opts.progressNotifyMs && opts.progressNotifyMs > 0) {
      w.ticker = this.deps.clock.tick(opts.progressNotifyMs, () => {
        if (w.stopped) return;
        if (w.live && !w.sentSinceTick && w.pending.length === 0 && this.cursor > w.after) {
          w.progressDue = Math.max(w.progressDue, this.cursor);
          this.flusher.schedule();
        }
        w.sentSinceTick = false;
      });
    }
    return {
      stop: () => this.remove(w),
      requestProgress: () => {
        this.deps
          .currentRevision()
          .then((rev) => {
            if (w.stopped) return;
            w.progressAt = Math.max(w.progressAt, rev);
            this.checkProgress(w);
          })
          .catch((err: unknown) => this.fail(w, err instanceof Error ? err : new Error(String(err))));
      },
    };
  }

  close(): void {
    for (const w of [...this.watchers]) this.remove(w);
    this.shared?.stop();
    this.shared = undefined;
  }

  /** Replays (after, cursor] for a watcher through its own etcd watcher, buffering what the shared one sends meanwhile. */
  private async startCatchUp(w: Watcher, after: number): Promise<void> {
    const until = this.cursor;
    const done = () => {
      w.catchUp?.stop();
      w.catchUp = undefined;
      w.pending.push(...w.buffered);
      w.buffered = [];
      w.after = Math.max(w.after, until);
      w.live = true;
      this.checkProgress(w);
      if (w.pending.length) this.flusher.schedule();
    };
    if (until <= 1) return done(); // etcd's revision 1 is the empty store: no event to wait for.
    w.catchUp = new RawWatch(this.deps.client, { key: ALL_KEYS, rangeEnd: ALL_KEYS, startRevision: after + 1, log: this.deps.log }, {
      events: (events) => {
        if (w.stopped || w.live) return;
        for (const e of events) {
          if (e.kv.modRevision > until) break;
          if (e.kv.key.startsWith(w.prefix)) w.pending.push(e);
        }
        if (w.pending.length) this.flusher.schedule();
        if (events[events.length - 1]!.kv.modRevision >= until) done();
      },
      progress: (revision) => {
        if (!w.stopped && !w.live && revision >= until) done();
      },
      ended: (err) => this.fail(w, err),
    });
    await w.catchUp.start();
  }

  private onShared(events: StoreEvent[]): void {
    let any = false;
    for (const w of this.watchers) {
      for (const e of events) {
        if (e.kv.modRevision <= w.after || !e.kv.key.startsWith(w.prefix)) continue;
        if (w.live) {
          w.pending.push(e);
          any = true;
        } else {
          w.buffered.push(e);
        }
      }
    }
    if (any) this.flusher.schedule();
    this.advance(events[events.length - 1]!.kv.modRevision);
  }

  private advance(revision: number): void {
    if (revision <= this.cursor) return;
    this.cursor = revision;
    for (const w of this.watchers) if (w.progressAt) this.checkProgress(w);
  }

  private checkProgress(w: Watcher): void {
    if (!w.live || !w.progressAt || w.progressAt > this.cursor) return;
    w.progressDue = Math.max(w.progressDue, this.cursor);
    w.progressAt = 0;
    this.flusher.schedule();
  }

  private onSharedEnded(err: Error): void {
    this.shared = undefined;
    this.starting = undefined;
    for (const w of [...this.watchers]) this.fail(w, err);
  }

  private fail(w: Watcher, err: Error): void {
    if (w.stopped) return;
    this.remove(w);
    w.sink.error?.(err);
  }

  private remove(w: Watcher): void {
    w.stopped = true;
    w.ticker?.stop();
    w.catchUp?.stop();
    this.watchers.delete(w);
  }
}
