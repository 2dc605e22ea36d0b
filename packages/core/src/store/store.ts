/**
 * The storage contract: an etcd-shaped MVCC key-value store. One global revision counter; every
 * write gets the next revision (which becomes the object's resourceVersion). Values are opaque
 * strings (JSON in practice). Backends (memory here; SQLite and etcd as plugins) all pass the
 * conformance suite exported by @keelson/testing.
 */

export interface KeyValue {
  key: string;
  value: string;
  /** Revision of the write that created this key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to this key. */
  modRevision: number;
  /** Number of writes since creation (1 after create). */
  version: number;
}

export interface RangeOptions {
  /** Return keys starting with this prefix ("/registry/pods/default/"). */
  prefix: string;
  /** Maximum number of items; 0/undefined = no limit. */
  limit?: number;
  /** Start after this key (exclusive): the last key of the previous page. */
  startAfter?: string;
  /** Read the snapshot at this revision (0/undefined = current). Older than compaction → CompactedError. */
  revision?: number;
  /** Only count, return no items. */
  countOnly?: boolean;
}

export interface RangeResult {
  items: KeyValue[];
  /** The revision the read was served at. */
  revision: number;
  /** More keys after the last returned one. */
  more: boolean;
  /** Total number of keys in range (from startAfter on), including those returned. */
  count: number;
}

export type StoreEventType = 'put' | 'delete';

export interface StoreEvent {
  type: StoreEventType;
  /**
   * For put: the new key-value. For delete: the key's last value, with modRevision set to the
   * deletion's revision.
   */
  kv: KeyValue;
  /** The previous value (for put on an existing key, and for delete). */
  prevKv?: KeyValue;
}

export interface StoreWatchOptions {
  prefix: string;
  /** Deliver every event with revision > afterRevision. Older than compaction → CompactedError. */
  afterRevision: number;
  /** Also deliver progress notifications (revision with no event) at least this often, in ms. */
  progressNotifyMs?: number;
}

export interface WatchSink {
  /** Events in revision order, with no gaps for the prefix. */
  events(events: StoreEvent[]): void;
  /** A progress notification: the store has no events for this watch up to `revision`. */
  progress?(revision: number): void;
  /** The watch ended abnormally (e.g. the backend lost its connection or was compacted past it). */
  error?(err: Error): void;
}

export interface StoreWatch {
  stop(): void;
  /**
   * Asks for a progress notification now: the sink's progress(revision) is called with a revision
   * at least the store's current revision at the time of the call, after every event of the watch
   * up to it was delivered (kube's RequestWatchProgress; the watch cache's consistent reads rely on
   * it). Backends that cannot promise this leave it out.
   */
  requestProgress?(): void;
}

export interface Store {
  /** Backend name for logs and metrics: "memory", "sqlite", "etcd". */
  readonly name: string;

  /** The latest revision (0 for an empty store). */
  currentRevision(): Promise<number>;

  /** The latest compacted revision (0 if never compacted). */
  compactedRevision(): Promise<number>;

  get(key: string, opts?: { revision?: number }): Promise<KeyValue | undefined>;

  range(opts: RangeOptions): Promise<RangeResult>;

  /** Creates the key if absent; KeyExistsError otherwise. */
  create(key: string, value: string): Promise<KeyValue>;

  /**
   * Compare-and-swap: writes if the key's modRevision equals expectedModRevision.
   * KeyNotFoundError if absent, RevisionMismatchError (carrying the current kv) if it differs.
   */
  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue>;

  /**
   * Deletes the key, optionally only if its modRevision matches. Returns the deleted kv (with
   * modRevision = the deletion's revision). KeyNotFoundError / RevisionMismatchError as update.
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;

  /** Ordered watch of a prefix from a revision. */
  watch(opts: StoreWatchOptions, sink: WatchSink): Promise<StoreWatch>;

  /** Forgets history at or below revision; reads/watches that need it fail with CompactedError. */
  compact(revision: number): Promise<void>;

  close(): Promise<void>;
}

export class StoreError extends Error {}

export class KeyExistsError extends StoreError {
  override readonly name = 'KeyExistsError';
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}

export class KeyNotFoundError extends StoreError {
  override readonly name = 'KeyNotFoundError';
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
  }
}

export class RevisionMismatchError extends StoreError {
  override readonly name = 'RevisionMismatchError';
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly current: KeyValue,
  ) {
    super(`revision mismatch for ${key}: expected ${expected}, current ${current.modRevision}`);
  }
}

export class CompactedError extends StoreError {
  override readonly name = 'CompactedError';
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
  }
}

/** A revision in the future (a read asked for a revision the store has not reached). */
export class FutureRevisionError extends StoreError {
  override readonly name = 'FutureRevisionError';
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`required revision ${requested} is a future revision (current ${current})`);
  }
}
