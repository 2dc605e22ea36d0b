import type { StoreBackend } from '@keelson/core';
import { EtcdStore } from './etcd-store.js';

export class EtcdUrlError extends Error {
  override readonly name = 'EtcdUrlError';
}

export interface EtcdUrl {
  /** "http://host:port" for each endpoint, in the order given. */
  endpoints: string[];
  /** Connection timeout in ms (?dialTimeout=). */
  dialTimeoutMs?: number;
  /** Scheduled compaction interval in ms (?compactInterval=; 0 = never). */
  compactIntervalMs?: number;
}

/**
 * Parses "etcd://HOST:PORT[,HOST:PORT...]" with optional "?dialTimeout=<ms>&compactInterval=<ms>". A missing port
 * is etcd's 2379. Only plain-text (http) endpoints for now.
 */
export function parseEtcdUrl(url: string): EtcdUrl {
  if (!url.startsWith('etcd://')) throw new EtcdUrlError(`not an etcd store URL: "${url}" (expected etcd://HOST:PORT[,HOST:PORT...])`);
  let rest = url.slice('etcd://'.length);
  const q = rest.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  if (q >= 0) rest = rest.slice(0, q);
  rest = rest.replace(/\/+$/, '');
  if (!rest) throw new EtcdUrlError(`${url}: no endpoint`);
  const endpoints = rest.split(',').map((hostPort) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(hostPort.trim());
    if (!m) throw new EtcdUrlError(`${url}: "${hostPort}" is not HOST[:PORT]`);
    const port = m[2] ? Number(m[2]) : 2379;
    if (port < 1 || port > 65535) throw new EtcdUrlError(`${url}: port ${port} out of range`);
    return `http://${m[1]}:${port}`;
  });
  const out: EtcdUrl = { endpoints };
  for (const [key, value] of params) {
    const n = Number(value);
    if (key === 'dialTimeout') {
      if (!Number.isInteger(n) || n <= 0) throw new EtcdUrlError(`${url}: dialTimeout must be a positive integer (ms)`);
      out.dialTimeoutMs = n;
    } else if (key === 'compactInterval') {
      if (!Number.isInteger(n) || n < 0) throw new EtcdUrlError(`${url}: compactInterval must be a non-negative integer (ms)`);
      out.compactIntervalMs = n;
    } else {
      throw new EtcdUrlError(`${url}: unknown parameter "${key}" (known: dialTimeout, compactInterval)`);
    }
  }
  return out;
}

/** The "etcd" store backend: `--store etcd://127.0.0.1:2379`. */
export const etcdStoreBackend: StoreBackend = {
  scheme: 'etcd',
  async open(url, ctx) {
    const { endpoints, ...options } = parseEtcdUrl(url);
    const store = new EtcdStore({ endpoints, ...options, clock: ctx.clock, log: ctx.log });
    try {
      // Fail at start, with the URL in the message, rather than on the first request.
      await store.currentRevision();
    } catch (err) {
      await store.close();
      throw new Error(`cannot reach etcd at ${endpoints.join(', ')}: ${(err as Error).message}`, { cause: err });
    }
    return store;
  },
};
