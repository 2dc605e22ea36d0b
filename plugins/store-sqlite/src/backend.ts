import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StoreBackend } from '@keelson/core';
import type { Synchronous } from './schema.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

/** The database file inside a data directory. */
export const DATABASE_FILE = 'keelson.db';

export class SqliteUrlError extends Error {
  override readonly name = 'SqliteUrlError';
}

export interface SqliteUrl {
  /** The data directory (absolute). */
  dir: string;
  options: Omit<SqliteStoreOptions, 'file' | 'clock' | 'log'>;
}

/**
 * Parses "sqlite:" (the default data directory), "sqlite:DIR", "sqlite://DIR" with optional
 * query parameters: synchronous=full|normal, retain=<revisions>, compactInterval=<ms>.
 * "~/" is the user's home; a relative DIR is relative to the working directory.
 */
export function parseSqliteUrl(url: string, dataDir: string): SqliteUrl {
  if (!url.startsWith('sqlite:')) throw new SqliteUrlError(`not a sqlite store URL: "${url}"`);
  let rest = url.slice('sqlite:'.length);
  if (rest.startsWith('//')) rest = rest.slice(2);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  const options: SqliteUrl['options'] = {};
  for (const [key, value] of params) {
    if (key === 'synchronous') {
      if (value !== 'full' && value !== 'normal') throw new SqliteUrlError(`${url}: synchronous must be "full" or "normal"`);
      options.synchronous = value as Synchronous;
    } else if (key === 'retain' || key === 'compactInterval') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new SqliteUrlError(`${url}: ${key} must be a non-negative integer`);
      if (key === 'retain') options.retainRevisions = n;
      else options.compactIntervalMs = n;
    } else {
      throw new SqliteUrlError(`${url}: unknown parameter "${key}" (known: synchronous, retain, compactInterval)`);
    }
  }
  const expanded = path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
  return { dir: resolve(expanded || dataDir), options };
}

/** The "sqlite" store backend: `--store sqlite:DIR` (or `sqlite:` for the data directory). */
export const sqliteStoreBackend: StoreBackend = {
  scheme: 'sqlite',
  async open(url, ctx) {
    const { dir, options } = parseSqliteUrl(url, ctx.dataDir);
    mkdirSync(dir, { recursive: true });
    return new SqliteStore({ ...options, file: join(dir, DATABASE_FILE), clock: ctx.clock, log: ctx.log });
  },
};
