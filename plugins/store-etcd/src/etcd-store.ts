import {
  type Clock,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  type KeyValue,
  type Logger,
  type RangeOptions,
  type RangeResult,
  RealClock,
  RevisionMismatchError,
  type Store,
  type StoreWatch,
  type StoreWatchOptions,
  type Ticker,
  type WatchSink,
} from '@keelson/core';
import { circuitBreaker, ConsecutiveBreaker, handleWhen } from 'cockatiel';
import { Etcd3, type ICompare, type IRangeResponse, isRecoverableError, type ITxnResponse } from 'etcd3';
import { isCompactedError, isFutureRevisionError, keyAfter, mapRevisionError, prefixEnd, toKv } from './kv.js';
import { EtcdWatchHub } from './watch-hub.js';

export interface EtcdStoreOptions {
  /** Client endpoints, "http://127.0.0.1:2379". */
  endpoints: string[];
  clock?: Clock;
  log?: Logger;
  /** How long a connection attempt may take, in ms (default 5 s). */
  dialTimeoutMs?: number;
  /**
   * Compact every this many ms to the revision seen one interval earlier, so about one interval of
   * history stays (kube-apiserver's --etcd-compaction-interval, default 5 minutes; 0 = never).
   */
  compactIntervalMs?: number;
}

/**
 * Where the store records the revision it compacted to (etcd reports a compaction but not its
 * revision; kube-apiserver keeps its own "compact_rev_key" for the same reason).
 */
export const COMPACT_REV_KEY = '/keelson/compact_rev_key';

/**
 * The Store over etcd v3: revisions are etcd's, a create is a transaction on create_revision == 0,
 * an update or delete a transaction on the key's mod_revision (the current value comes back in the
 * same round trip when the comparison fails), ranges and snapshot reads are etcd ranges, and watches
 * are etcd watchers (see EtcdWatchHub). All reads are linearizable.
 */
export class EtcdStore implements Store {
  readonly name = 'etcd';
  readonly client: Etcd3;
  private readonly hub: EtcdWatchHub;
  private closed = false;
  /** The highest compacted revision this process learnt. */
  private compactedSeen = 0;
  private readonly compactor?: Ticker;
  /** The revision seen at the previous compaction tick: the next tick compacts to it. */
  private compactTarget = 0;

  constructor(readonly opts: EtcdStoreOptions) {
    this.client = new Etcd3({
      hosts: opts.endpoints,
      dialTimeout: opts.dialTimeoutMs ?? 5000,
      // etcd3's per-endpoint circuit breaker, re-trying an endpoint after 1 s instead of 5 s, so
      // the API server is back as soon as etcd is.
      faultHandling: { host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: 1000, breaker: new ConsecutiveBreaker(3) }) },
    });
    const clock = opts.clock ?? new RealClock();
    this.hub = new EtcdWatchHub({ client: this.client, clock, log: opts.log, currentRevision: () => this.currentRevision() });
    const interval = opts.compactIntervalMs ?? 5 * 60_000;
    if (interval > 0) this.compactor = clock.tick(interval, () => void this.scheduledCompaction());
  }

  /** One compaction tick: compact to what was current one interval ago, remember what is current now. */
  async scheduledCompaction(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.compactTarget > 0) await this.compact(this.compactTarget);
      this.compactTarget = await this.currentRevision();
    } catch (err) {
      this.opts.log?.warn('scheduled etcd compaction failed', { error: String(err) });
    }
  }

  async currentRevision(): Promise<number> {
    const res = await this.client.kv.range({ key: Buffer.from(COMPACT_REV_KEY), count_only: true });
    return Number(res.header.revision);
  }

  async compactedRevision(): Promise<number> {
    const res = await this.client.kv.range({ key: Buffer.from(COMPACT_REV_KEY) });
    const recorded = res.kvs[0] ? Number(res.kvs[0].value.toString()) : 0;
    this.compactedSeen = Math.max(this.compactedSeen, recorded);
    return this.compactedSeen;
  }

  async get(key: string, opts: { revision?: number } = {}): Promise<KeyValue | undefined> {
    const res = await this.read({ key: Buffer.from(key), revision: opts.revision || undefined }, opts.revision);
    return res.kvs[0] ? toKv(res.kvs[0]) : undefined;
  }

  async range(opts: RangeOptions): Promise<RangeResult> {
    const start = opts.startAfter !== undefined && opts.startAfter >= opts.prefix ? keyAfter(opts.startAfter) : Buffer.from(opts.prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const res = await this.read(
      { key: start, range_end: prefixEnd(opts.prefix), limit, revision: opts.revision || undefined, count_only: opts.countOnly || undefined },
      opts.revision,
    );
    return {
      items: res.kvs.map(toKv),
      revision: opts.revision || Number(res.header.revision),
      more: !!res.more,
      count: Number(res.count),
    };
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.assertOpen();
    const k = Buffer.from(key);
    const res = await this.client.kv.txn({
      compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: k, value: Buffer.from(value) } }],
      failure: [],
    });
    if (!res.succeeded) throw new KeyExistsError(key);
    const rev = Number(res.header.revision);
    return { key, value, createRevision: rev, modRevision: rev, version: 1 };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    this.assertOpen();
    const k = Buffer.from(key);
    const res = await this.client.kv.txn({
      compare: [exists(k), { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
      success: [{ request_put: { key: k, value: Buffer.from(value), prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.casFailure(key, expectedModRevision, res);
    const prev = res.responses[0]!.response_put.prev_kv!;
    const rev = Number(res.header.revision);
    return { key, value, createRevision: Number(prev.create_revision), modRevision: rev, version: Number(prev.version) + 1 };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.assertOpen();
    const k = Buffer.from(key);
    const compare: ICompare[] = [exists(k)];
    if (expectedModRevision !== undefined) compare.push({ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision });
    const res = await this.client.kv.txn({
      compare,
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.casFailure(key, expectedModRevision ?? 0, res);
    const prev = res.responses[0]!.response_delete_range.prev_kvs[0];
    if (!prev) throw new KeyNotFoundError(key);
    return { ...toKv(prev), modRevision: Number(res.header.revision) };
  }

  async watch(opts: StoreWatchOptions, sink: WatchSink): Promise<StoreWatch> {
    this.assertOpen();
    // etcd reports a compacted start revision only after the watcher is created: ask first.
    await this.read({ key: Buffer.from(COMPACT_REV_KEY), count_only: true, revision: opts.afterRevision + 1 }, opts.afterRevision + 1).catch((err: unknown) => {
      if (!(err instanceof FutureRevisionError)) throw err;
    });
    return this.hub.add(opts, sink);
  }

  async compact(revision: number): Promise<void> {
    const current = await this.currentRevision();
    if (revision > current) throw new FutureRevisionError(revision, current);
    try {
      await this.client.kv.compact({ revision, physical: true });
    } catch (err) {
      if (!isCompactedError(err)) throw err;
    }
    await this.recordCompaction(revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.compactor?.stop();
    this.hub.close();
    this.client.close();
  }

  /** Number of open watches (for tests and metrics). */
  watchCount(): number {
    return this.hub.size;
  }

  /** A range with etcd's revision errors as the Store's. */
  private async read(req: Parameters<Etcd3['kv']['range']>[0], requested: number | undefined): Promise<IRangeResponse> {
    this.assertOpen();
    try {
      return await this.client.kv.range(req);
    } catch (err) {
      if (requested && (isCompactedError(err) || isFutureRevisionError(err))) {
        throw await mapRevisionError(err, requested, { compacted: () => this.compactedRevision(), current: () => this.currentRevision() });
      }
      throw err;
    }
  }

  /** Why a compare-and-swap failed, from the current value read in the same transaction. */
  private casFailure(key: string, expected: number, res: ITxnResponse): Error {
    const current = res.responses[0]?.response_range.kvs[0];
    if (!current) return new KeyNotFoundError(key);
    return new RevisionMismatchError(key, expected, toKv(current));
  }

  /** Raises the recorded compacted revision (never lowers it; several servers may compact). */
  private async recordCompaction(revision: number): Promise<void> {
    const k = Buffer.from(COMPACT_REV_KEY);
    for (;;) {
      const res = await this.client.kv.range({ key: k });
      const kv = res.kvs[0];
      const recorded = kv ? Number(kv.value.toString()) : 0;
      if (recorded >= revision) break;
      const txn = await this.client.kv.txn({
        compare: [kv ? { key: k, target: 'Mod', result: 'Equal', mod_revision: kv.mod_revision } : { key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: Buffer.from(String(revision)) } }],
        failure: [],
      });
      if (txn.succeeded) break;
    }
    this.compactedSeen = Math.max(this.compactedSeen, revision);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

function exists(key: Buffer): ICompare {
  return { key, target: 'Version', result: 'Greater', version: 0 };
}
