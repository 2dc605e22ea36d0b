/**
 * Crash rounds against a running API server: 100 concurrent writers create ConfigMaps while a
 * watch follows the namespace; something is killed with SIGKILL at a random moment; after
 * recovery every acknowledged (201) write must be there whole, nothing may be half-written,
 * resourceVersions must not go backwards, and the watch resumed from its last resourceVersion
 * must, stitched to what it saw before, be exactly the store's history (checkWatchHistory).
 */
import { checkWatchHistory, type WatchedEvent } from '@keelson/testing';
import { expect } from 'vitest';
import { httpWatch, type HttpWatch } from './cli-process.js';

export interface CrashTarget {
  /** Starts the API server (and whatever it needs); its URL. */
  start(): Promise<string>;
  /** Kills something with SIGKILL while writes are in flight. */
  crash(): Promise<void>;
  /** Brings back what was killed; the API server's URL afterwards. */
  recover(): Promise<string>;
  /**
   * The store's history of the ConfigMaps in the test namespace in (after, upTo], as keys
   * "crash/NAME". Default: a watch from `after` through the API server (which serves history
   * older than its cache from the store); a server that stays up may have dropped it from its
   * watch cache's window (410), so targets that can read the store directly do.
   */
  history?(after: number, upTo: number): Promise<WatchedEvent[]>;
}

/** The store key prefix of the test namespace's ConfigMaps. */
export const CONFIGMAP_PREFIX = '/registry/core/configmaps/crash/';

const NS = 'crash';
const WRITERS = 100;
const PAD = 'x'.repeat(200);

interface Acked {
  rv: number;
  writer: number;
  seq: number;
}

async function request(url: string, method: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
}

async function listRv(url: string): Promise<{ rv: number; items: { metadata: { name: string; resourceVersion: string }; data?: Record<string, string> }[] }> {
  const res = await request(`${url}/api/v1/namespaces/${NS}/configmaps`, 'GET');
  expect(res.status).toBe(200);
  const list = (await res.json()) as { metadata: { resourceVersion: string }; items: { metadata: { name: string; resourceVersion: string }; data?: Record<string, string> }[] };
  return { rv: Number(list.metadata.resourceVersion), items: list.items };
}

function record(w: HttpWatch, into: WatchedEvent[], from: number): () => void {
  let taken = from;
  return () => {
    for (; taken < w.events.length; taken++) {
      const e = w.events[taken]!;
      if (e.type === 'BOOKMARK' || e.type === 'ERROR') continue;
      into.push({ type: e.type, key: `${NS}/${e.object.metadata.name}`, revision: Number(e.object.metadata.resourceVersion) });
    }
  };
}

/** Creates ConfigMaps from `writers` concurrent loops until one fails (the crash); returns what was acknowledged. */
function startWriters(url: string, round: number, acked: Map<string, Acked>): { stop(): void; done: Promise<void> } {
  let stopping = false;
  const loop = async (writer: number) => {
    for (let seq = 0; !stopping; seq++) {
      const name = `r${round}-w${writer}-${seq}`;
      try {
        const res = await request(`${url}/api/v1/namespaces/${NS}/configmaps`, 'POST', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name },
          data: { writer: String(writer), seq: String(seq), pad: PAD },
        });
        if (res.status !== 201) {
          await res.body?.cancel();
          return;
        }
        const obj = (await res.json()) as { metadata: { resourceVersion: string } };
        acked.set(name, { rv: Number(obj.metadata.resourceVersion), writer, seq });
      } catch {
        return; // the server (or its store) is gone
      }
    }
  };
  const done = Promise.all(Array.from({ length: WRITERS }, (_, i) => loop(i))).then(() => {});
  return { stop: () => (stopping = true), done };
}

/** History through the API: a fresh watch from `after` until the marker object shows up. */
async function apiHistory(url: string, after: number, marker: string): Promise<WatchedEvent[]> {
  const log: WatchedEvent[] = [];
  const reference = await httpWatch(`${url}/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${after}`);
  try {
    await reference.until(() => reference.events.some((e) => e.object.metadata.name === marker), 'the reference history', 20_000);
    record(reference, log, 0)();
  } finally {
    reference.stop();
  }
  return log;
}

export interface CrashRunOptions {
  rounds: number;
  /** Kill between these many ms after the writers started. */
  killAfterMs: [number, number];
}

export async function runCrashRounds(target: CrashTarget, opts: CrashRunOptions): Promise<void> {
  let url = await target.start();
  const ns = await request(`${url}/api/v1/namespaces`, 'POST', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  expect([201, 409]).toContain(ns.status);
  const startRv = (await listRv(url)).rv;
  const watched: WatchedEvent[] = [];
  let lastListRv = startRv;
  let maxAcked = 0;
  const acked = new Map<string, Acked>();
  let watch = await httpWatch(`${url}/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${startRv}`);
  let take = record(watch, watched, 0);

  for (let round = 0; round < opts.rounds; round++) {
    const before = acked.size;
    const writers = startWriters(url, round, acked);
    // A random moment once writes are flowing (a cold, loaded server may take a while to answer).
    const flowing = Date.now() + 30_000;
    while (acked.size - before < 10 && Date.now() < flowing) await new Promise((r) => setTimeout(r, 5));
    const [lo, hi] = opts.killAfterMs;
    await new Promise((r) => setTimeout(r, lo + Math.random() * (hi - lo)));
    await target.crash();
    writers.stop();
    await writers.done;
    take();
    watch.stop();
    url = await target.recover();

    const { rv, items } = await listRv(url);
    const present = new Map(items.map((o) => [o.metadata.name, o]));
    const ackedThisRound = [...acked].filter(([name]) => name.startsWith(`r${round}-`));
    expect(ackedThisRound.length, `round ${round}: writes acknowledged before the crash`).toBeGreaterThan(0);
    for (const [name, a] of acked) {
      const obj = present.get(name);
      expect(obj, `acknowledged ${name} (rv ${a.rv}) is gone after the crash`).toBeDefined();
      expect(Number(obj!.metadata.resourceVersion), name).toBe(a.rv);
      maxAcked = Math.max(maxAcked, a.rv);
    }
    // Nothing half-written: every object there (acknowledged or not) is whole.
    for (const o of items) {
      const m = /^r\d+-w(\d+)-(\d+)$/.exec(o.metadata.name);
      if (!m) continue;
      expect(o.data, o.metadata.name).toEqual({ writer: m[1], seq: m[2], pad: PAD });
    }
    expect(rv, 'list resourceVersion went backwards').toBeGreaterThanOrEqual(Math.max(lastListRv, maxAcked));
    lastListRv = rv;

    // Resume the watch from the last resourceVersion it saw.
    const lastSeen = watched.length ? watched[watched.length - 1]!.revision : startRv;
    watch = await httpWatch(`${url}/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${lastSeen}`);
    take = record(watch, watched, 0);
    const marker = await request(`${url}/api/v1/namespaces/${NS}/configmaps`, 'POST', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `marker-${round}` } });
    expect(marker.status).toBe(201);
    const markerRv = Number(((await marker.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
    expect(markerRv, 'a write after the crash got an older resourceVersion').toBeGreaterThan(Math.max(rv, lastSeen));
    await watch.until(() => watch.events.some((e) => e.object.metadata.name === `marker-${round}`), `marker-${round}`, 20_000);
    take();

    // The store's history is what the stitched watch saw.
    const log = target.history ? await target.history(startRv, markerRv) : await apiHistory(url, startRv, `marker-${round}`);
    expect(checkWatchHistory(watched, log, { after: startRv, upTo: markerRv }), `round ${round}`).toEqual([]);
  }
  watch.stop();
}
