import { type Clock, CompactedError, type StoreEvent, type StoreWatch, type StoreWatchOptions, type Ticker, type WatchSink, WatchFlusher } from '@keelson/core';
import { prefixEnd } from './rows.js';

/** What the hub reads from the store: the committed log and its bounds. */
export interface WatchSource {
  /** Events with after < revision <= upTo under the prefix, in revision order, at most `limit`. */
  replay(after: number, upTo: number, prefix: string, end: string, limit: number): StoreEvent[];
  /** The newest committed revision. */
  revision(): number;
  compacted(): number;
}

interface Watcher {
  prefix: string;
  end: string;
  sink: WatchSink;
  /** Events read or published but not yet handed to the sink. */
  pending: StoreEvent[];
  /** Every event up to this revision has been read from the log (or is older than the watch). */
  cursor: number;
  /** Caught up: new commits are pushed to `pending` as they happen. */
  live: boolean;
  sentSinceTick: boolean;
  /** A progress notification was requested: it follows the pending events once the watch is live. */
  progressWanted: boolean;
  ticker?: Ticker;
  stopped: boolean;
}

export interface WatchHubOptions {
  clock: Clock;
  /** Events read from the log per step while a watch catches up (default 1000). */
  replayPage?: number;
}

/**
 * Feeds watches from the log. A new watch first reads the committed log after its revision, a
 * page per event-loop turn (a long replay never stalls writers), and turns live in the same
 * synchronous step that reads the last committed page: from then on every commit is published
 * to it directly. No event is skipped at the seam and none is delivered twice, because reads
 * and commits both run on this thread and never interleave inside a step.
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  // A live watch has every committed event in `pending` (commits publish synchronously).
  private readonly flusher = new WatchFlusher<Watcher>(this.watchers, (w) => {
    if (!w.progressWanted || !w.live) return undefined;
    w.progressWanted = false;
    return this.source.revision();
  });
  private readonly replayPage: number;

  constructor(
    private readonly source: WatchSource,
    private readonly opts: WatchHubOptions,
  ) {
    this.replayPage = opts.replayPage ?? 1000;
  }

  get size(): number {
    return this.watchers.size;
  }

  add(opts: StoreWatchOptions, sink: WatchSink): StoreWatch {
    const compacted = this.source.compacted();
    if (opts.afterRevision < compacted) throw new CompactedError(opts.afterRevision + 1, compacted);
    const w: Watcher = {
      prefix: opts.prefix,
      end: prefixEnd(opts.prefix),
      sink,
      pending: [],
      cursor: opts.afterRevision,
      live: false,
      sentSinceTick: false,
      progressWanted: false,
      stopped: false,
    };
    this.watchers.add(w);
    this.catchUp(w);
    if (opts.progressNotifyMs && opts.progressNotifyMs > 0) {
      w.ticker = this.opts.clock.tick(opts.progressNotifyMs, () => {
        if (w.stopped) return;
        if (w.live && !w.sentSinceTick && w.pending.length === 0) w.sink.progress?.(this.source.revision());
        w.sentSinceTick = false;
      });
    }
    return {
      stop: () => this.remove(w),
      requestProgress: () => {
        if (w.stopped) return;
        w.progressWanted = true;
        this.flusher.schedule();
      },
    };
  }

  /** Hands newly committed events (in revision order) to every live watch of their prefix. */
  publish(events: readonly StoreEvent[]): void {
    let any = false;
    for (const w of this.watchers) {
      if (!w.live) continue;
      for (const e of events) {
        // A watch from a future revision starts after it, as etcd's does.
        if (e.kv.modRevision > w.cursor && e.kv.key.startsWith(w.prefix)) {
          w.pending.push(e);
          any = true;
        }
      }
    }
    if (any) this.flusher.schedule();
  }

  close(): void {
    for (const w of [...this.watchers]) this.remove(w);
  }

  /** Reads one page of the log for a catching-up watch; goes live once the log is exhausted. */
  private catchUp(w: Watcher): void {
    if (w.stopped) return;
    const compacted = this.source.compacted();
    if (w.cursor < compacted) {
      // Compaction overtook the replay: the history it still needs is gone.
      this.remove(w);
      w.sink.error?.(new CompactedError(w.cursor + 1, compacted));
      return;
    }
    const upTo = this.source.revision();
    const page = this.source.replay(w.cursor, upTo, w.prefix, w.end, this.replayPage);
    if (page.length) w.pending.push(...page);
    if (page.length < this.replayPage) {
      w.cursor = Math.max(w.cursor, upTo);
      w.live = true;
      if (w.progressWanted) this.flusher.schedule();
    } else {
      w.cursor = page[page.length - 1]!.kv.modRevision;
      setImmediate(() => this.catchUp(w));
    }
    if (w.pending.length) this.flusher.schedule();
  }

  private remove(w: Watcher): void {
    w.stopped = true;
    w.ticker?.stop();
    this.watchers.delete(w);
  }
}
