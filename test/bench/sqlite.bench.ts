/**
 * Store-level benchmark of the SQLite store (synchronous=FULL, the default, and NORMAL) next to
 * the memory store, on the same ~1 KB pod-like values:
 * - creates with 1 writer and with 100 concurrent writers: ops/s, p50 and p99 latency (ms);
 * - CAS updates (get + update of one's own key) with 100 concurrent writers;
 * - a paginated range over 50,000 keys (pages of 500 at the first page's revision, as LIST does);
 * - watch delivery: 10 watchers, 10,000 events from 100 writers, commit→delivery p50/p99.
 * Each store lives in its own temp directory, removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, type Store, type StoreEvent } from '@keelson/core';
import { SqliteStore } from '@keelson/plugin-store-sqlite';
import { type BenchFigure, defineBench, percentile, round } from './lib.js';

function value(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: 'bench', uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, labels: { app: 'bench', shard: String(i % 16) } },
    spec: { nodeName: `node${i % 100}`, containers: [{ name: 'nginx', image: 'nginx:1.17.9', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: `127.244.${i % 256}.${i % 250}`, conditions: [{ type: 'Ready', status: 'True' }] },
    padding: 'x'.repeat(420),
  });
}

const key = (prefix: string, i: number) => `/registry/core/pods/${prefix}/pod-${String(i).padStart(6, '0')}`;

interface Backend {
  label: string;
  open(): Store;
  cleanup(): void;
}

function sqlite(synchronous: 'full' | 'normal'): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-bench-sqlite-'));
  return {
    label: `sqlite (synchronous=${synchronous})`,
    open: () => new SqliteStore({ file: join(dir, 'keelson.db'), synchronous, compactIntervalMs: 0 }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const memory: Backend = { label: 'memory', open: () => new MemoryStore({ historyLimit: 10_000_000 }), cleanup: () => {} };

/** Runs `total` operations from `writers` concurrent loops; per-operation latency in ms. */
async function drive(writers: number, total: number, op: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { opsPerSec: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function throughputFigures(label: string, what: string, r: Awaited<ReturnType<typeof drive>>, notes: string): BenchFigure[] {
  return [
    { name: `${label}: ${what}`, value: round(r.opsPerSec, 0), unit: 'ops/s', notes },
    { name: `${label}: ${what} p50`, value: round(r.p50, 3), unit: 'ms' },
    { name: `${label}: ${what} p99`, value: round(r.p99, 3), unit: 'ms' },
  ];
}

async function benchBackend(b: Backend, sequential: number): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const store = b.open();
  try {
    const values = Array.from({ length: 1000 }, (_, i) => value(i));
    const v = (i: number) => values[i % values.length]!;

    const one = await drive(1, sequential, (i) => store.create(key('seq', i), v(i)));
    figures.push(...throughputFigures(b.label, 'create, 1 writer', one, `${sequential} creates, ${values[0]!.length} B values`));

    const N = 20_000;
    const many = await drive(100, N, (i) => store.create(key('par', i), v(i)));
    figures.push(...throughputFigures(b.label, 'create, 100 writers', many, `${N} creates`));

    const cas = await drive(100, N, async (i) => {
      const k = key('par', i);
      const cur = (await store.get(k))!;
      await store.update(k, v(i + 1), cur.modRevision);
    });
    figures.push(...throughputFigures(b.label, 'CAS update (get + update), 100 writers', cas, `${N} read-modify-writes`));

    // 50,000 keys under one prefix (the 20,000 above plus 30,000 more).
    await drive(100, 50_000, async (i) => (i < N ? undefined : store.create(key('par', i), v(i))));
    let t = performance.now();
    let listed = 0;
    let startAfter: string | undefined;
    let revision: number | undefined;
    for (;;) {
      const page = await store.range({ prefix: '/registry/core/pods/par/', limit: 500, startAfter, revision });
      revision = page.revision;
      listed += page.items.length;
      if (!page.more) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    figures.push({ name: `${b.label}: paginated range`, value: round(performance.now() - t, 1), unit: 'ms', notes: `${listed} keys in pages of 500 at one revision` });
    t = performance.now();
    const all = await store.range({ prefix: '/registry/core/pods/par/' });
    figures.push({ name: `${b.label}: range, one page`, value: round(performance.now() - t, 1), unit: 'ms', notes: `${all.items.length} keys` });

    // Watch delivery: 10 watchers, 10,000 events written by 100 writers.
    const W = 10;
    const E = 10_000;
    const committedAt = new Map<string, number>();
    const latencies: number[] = [];
    let done = 0;
    let resolveAll!: () => void;
    const delivered = new Promise<void>((r) => (resolveAll = r));
    const from = await store.currentRevision();
    const handles = [];
    for (let w = 0; w < W; w++) {
      let received = 0;
      handles.push(
        await store.watch(
          { prefix: '/registry/core/configmaps/', afterRevision: from },
          {
            events: (events: StoreEvent[]) => {
              const now = performance.now();
              if (w === 0) for (const e of events) latencies.push(now - (committedAt.get(e.kv.key) ?? now));
              received += events.length;
              if (received === E && ++done === W) resolveAll();
            },
          },
        ),
      );
    }
    const small = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'bench' }, data: { k: 'v'.repeat(200) } });
    t = performance.now();
    await drive(100, E, async (i) => {
      const k = `/registry/core/configmaps/bench/cm-${i}`;
      // The write's own start time: delivery latency includes queueing for the group commit.
      committedAt.set(k, performance.now());
      await store.create(k, small);
    });
    await delivered;
    const ms = performance.now() - t;
    for (const h of handles) h.stop();
    figures.push({ name: `${b.label}: watch, all delivered`, value: round(ms, 1), unit: 'ms', notes: `${W} watchers × ${E} events, 100 writers` });
    figures.push({ name: `${b.label}: watch, write→delivery p50`, value: round(percentile(latencies, 50), 3), unit: 'ms' });
    figures.push({ name: `${b.label}: watch, write→delivery p99`, value: round(percentile(latencies, 99), 3), unit: 'ms' });
  } finally {
    await store.close();
    b.cleanup();
  }
  return figures;
}

export default defineBench({
  name: 'sqlite',
  async run() {
    return [...(await benchBackend(memory, 20_000)), ...(await benchBackend(sqlite('full'), 2_000)), ...(await benchBackend(sqlite('normal'), 5_000))];
  },
});
