import type { Store } from '@keelson/core';
import { openStore, type OpenStoreOptions, storeScheme } from './store-url.js';

export class MigrateError extends Error {
  override readonly name = 'MigrateError';
}

export interface MigrateOptions extends Pick<OpenStoreOptions, 'dataDir' | 'baseDir' | 'log' | 'clock'> {
  /** Source store URL (sqlite:DIR, etcd://...). */
  from: string;
  /** Target store URL; it must hold nothing under the prefix. */
  to: string;
  /** What to copy (default "/registry/": every API object). */
  prefix?: string;
  /** Writes in flight at once (default 64). */
  concurrency?: number;
  /** Progress lines. */
  out?: (line: string) => void;
}

export interface MigrateResult {
  /** Keys copied. */
  keys: number;
  /** The source revision the copy is a snapshot of. */
  sourceRevision: number;
  /** The target's revision after the copy. */
  targetRevision: number;
}

const PAGE = 500;

/**
 * Copies every key under the prefix from one store to another, as a snapshot of the source at one
 * revision: keys and values byte for byte, in key order. The target assigns its own revisions
 * (every resourceVersion changes: clients relist after the move, as after an etcd restore). Then
 * it reads the target back and compares. Stop the API servers on the source first: a SQLite
 * store is locked by its server anyway; on etcd a write after the snapshot would not be copied.
 */
export async function migrate(opts: MigrateOptions): Promise<MigrateResult> {
  const prefix = opts.prefix ?? '/registry/';
  const out = opts.out ?? (() => {});
  for (const [role, url] of [['source', opts.from], ['target', opts.to]] as const) {
    if (storeScheme(url) === 'memory') throw new MigrateError(`the memory store cannot be a migration ${role}: it lives and dies with one process`);
  }
  if (opts.from === opts.to) throw new MigrateError('source and target are the same store');
  const storeOpts: OpenStoreOptions = { dataDir: opts.dataDir, baseDir: opts.baseDir, log: opts.log, clock: opts.clock };
  const source = await openStore(opts.from, storeOpts);
  let target: Store | undefined;
  try {
    target = await openStore(opts.to, storeOpts);
    const existing = await target.range({ prefix, countOnly: true });
    if (existing.count > 0) throw new MigrateError(`the target ${opts.to} already holds ${existing.count} keys under ${prefix}: migrate into an empty store`);
    const { keys, revision } = await copy(source, target, prefix, opts.concurrency ?? 64, (n) => out(`  copied ${n} keys`));
    await verify(source, target, prefix, revision);
    const targetRevision = await target.currentRevision();
    out(`migrated ${keys} keys under ${prefix} from ${opts.from} (revision ${revision}) to ${opts.to} (now at revision ${targetRevision}); every resourceVersion changed: clients relist`);
    return { keys, sourceRevision: revision, targetRevision };
  } finally {
    await target?.close();
    await source.close();
  }
}

/** Pages through the source at one revision and creates each key in the target. */
async function copy(source: Store, target: Store, prefix: string, concurrency: number, progress: (n: number) => void): Promise<{ keys: number; revision: number }> {
  let revision: number | undefined;
  let startAfter: string | undefined;
  let keys = 0;
  for (;;) {
    const page = await source.range({ prefix, limit: PAGE, startAfter, revision });
    revision = page.revision;
    for (let i = 0; i < page.items.length; i += concurrency) {
      await Promise.all(page.items.slice(i, i + concurrency).map((kv) => target.create(kv.key, kv.value)));
    }
    keys += page.items.length;
    if (page.items.length) progress(keys);
    if (!page.more) break;
    startAfter = page.items[page.items.length - 1]!.key;
  }
  return { keys, revision: revision ?? (await source.currentRevision()) };
}

/** The target holds exactly the source's keys and values (at the copied revision). */
async function verify(source: Store, target: Store, prefix: string, revision: number): Promise<void> {
  let startAfter: string | undefined;
  let targetRevision: number | undefined;
  for (;;) {
    const want = await source.range({ prefix, limit: PAGE, startAfter, revision });
    const got = await target.range({ prefix, limit: PAGE, startAfter, revision: targetRevision });
    targetRevision = got.revision;
    if (got.items.length !== want.items.length) throw new MigrateError(`verification failed after ${startAfter ?? prefix}: ${got.items.length} keys in the target, ${want.items.length} in the source`);
    for (let i = 0; i < want.items.length; i++) {
      const w = want.items[i]!;
      const g = got.items[i]!;
      if (w.key !== g.key || w.value !== g.value) throw new MigrateError(`verification failed at ${w.key}: the target has ${g.key === w.key ? 'another value' : `the key ${g.key}`}`);
    }
    if (!want.more) {
      if (got.more) throw new MigrateError('verification failed: the target holds more keys than the source');
      return;
    }
    startAfter = want.items[want.items.length - 1]!.key;
  }
}
