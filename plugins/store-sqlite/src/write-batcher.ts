/** The outcome of one operation of a committed batch: its result, or why it was refused. */
export type OpResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface WriteBatcherOptions {
  /** Most operations per transaction (default 256): bounds how long one commit blocks the loop. */
  maxBatch?: number;
}

interface Queued<Op, R> {
  op: Op;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit. Writes submitted during one event-loop turn are queued and committed together
 * by `commit` (one transaction, one fsync); each promise settles only after that call returns,
 * i.e. after the transaction committed. If `commit` throws, the transaction rolled back and
 * every operation of the batch fails with that error: nothing of it was acknowledged.
 */
export class WriteBatcher<Op, R> {
  private queue: Queued<Op, R>[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private idle: (() => void)[] = [];

  constructor(
    private readonly commit: (ops: Op[]) => OpResult<R>[],
    opts: WriteBatcherOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 256;
  }

  /** Operations waiting for their transaction. */
  get queued(): number {
    return this.queue.length;
  }

  submit(op: Op): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every operation submitted so far has settled. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: writers woken by the previous batch (and requests that
    // arrived meanwhile) get to queue theirs before the next commit.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(this.maxBatch);
    let results: OpResult<R>[] | undefined;
    let failure: unknown;
    try {
      results = this.commit(batch.map((q) => q.op));
    } catch (err) {
      failure = err;
    }
    for (let i = 0; i < batch.length; i++) {
      const q = batch[i]!;
      const r = results?.[i];
      if (!r) q.reject(failure ?? new Error('write was not committed'));
      else if (r.ok) q.resolve(r.value);
      else q.reject(r.error);
    }
    if (this.queue.length) this.schedule();
    else {
      const waiting = this.idle;
      this.idle = [];
      for (const r of waiting) r();
    }
  }
}
