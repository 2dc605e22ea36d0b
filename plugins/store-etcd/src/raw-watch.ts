import { CompactedError, type Logger, type StoreEvent } from '@keelson/core';
import type { Etcd3, IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import { toEvent } from './kv.js';

export interface RawWatchHandlers {
  /** Events of one response, in revision order. */
  events(events: StoreEvent[]): void;
  /** etcd's progress notification: every event up to `revision` has been delivered. */
  progress(revision: number): void;
  /** etcd ended the watch: CompactedError when the history it needs is gone. */
  ended(err: Error): void;
}

export interface RawWatchOptions {
  key: Buffer;
  rangeEnd: Buffer;
  /** First revision to deliver. */
  startRevision: number;
  log?: Logger;
}

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2000;

/**
 * One etcd watcher on its own gRPC stream, with prev_kv. It resumes after a lost connection from
 * the revision after the last one it delivered (counting only event revisions and progress
 * notifications, never a response header: etcd sends the current revision in the header of a
 * catch-up batch that may stop short of it), so nothing is skipped or delivered twice.
 */
export class RawWatch {
  /** Every event up to this revision has been handed on. */
  private delivered: number;
  private stream?: IDuplexStream<IWatchRequest, IWatchResponse>;
  private stopped = false;
  private backoff = MIN_BACKOFF_MS;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly client: Etcd3,
    private readonly opts: RawWatchOptions,
    private readonly handlers: RawWatchHandlers,
  ) {
    this.delivered = opts.startRevision - 1;
  }

  /** Opens the stream; resolves once etcd created the watcher. */
  start(): Promise<void> {
    return this.connect();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.close();
  }

  private async connect(): Promise<void> {
    const stream = await this.client.watchClient.watch();
    if (this.stopped) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    let settled = false;
    let created!: () => void;
    let failed!: (err: unknown) => void;
    const ready = new Promise<void>((resolve, reject) => {
      created = () => {
        settled = true;
        resolve();
      };
      failed = (err) => {
        settled = true;
        reject(err instanceof Error ? err : new Error(String(err)));
      };
    });
    stream.on('data', (res: IWatchResponse) => {
      if (this.stream !== stream || this.stopped) return;
      if (res.created) {
        this.backoff = MIN_BACKOFF_MS;
        created();
      }
      if (res.canceled) {
        const compact = Number(res.compact_revision);
        this.stop();
        created();
        this.handlers.ended(compact > 0 ? new CompactedError(this.delivered + 1, compact) : new Error(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`));
        return;
      }
      if (res.events.length) {
        const events = res.events.map(toEvent);
        this.delivered = events[events.length - 1]!.kv.modRevision;
        this.handlers.events(events);
      } else if (!res.created && !res.fragment) {
        const revision = Number(res.header.revision);
        if (revision > this.delivered) {
          this.delivered = revision;
          this.handlers.progress(revision);
        }
      }
    });
    const lost = (err: unknown) => {
      if (this.stream !== stream || this.stopped) return;
      this.close();
      // Before etcd created the watcher the caller of connect() decides (start() fails; a retry retries).
      if (!settled) return failed(err);
      this.opts.log?.debug('etcd watch stream lost; resuming', { after: this.delivered, error: String(err) });
      this.retry();
    };
    stream.on('error', lost);
    stream.on('end', () => lost(new Error('watch stream ended')));
    stream.write({
      create_request: { key: this.opts.key, range_end: this.opts.rangeEnd, start_revision: this.delivered + 1, prev_kv: true, progress_notify: true },
    });
    return ready;
  }

  /** Reconnects after the backoff, from the revision after the last delivered one, until it works or the watch stops. */
  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((err: unknown) => {
        this.opts.log?.debug('etcd watch reconnect failed; retrying', { after: this.delivered, error: String(err) });
        this.retry();
      });
    }, this.backoff);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  private close(): void {
    const s = this.stream;
    this.stream = undefined;
    if (!s) return;
    try {
      s.cancel();
    } catch {
      // already closed
    }
  }
}
