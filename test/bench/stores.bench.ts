/**
 * The store backends side by side through the API server: creates/s and latency with 1 and 100
 * closed-loop HTTP clients (the http bench's load generator, pods of ~1 KB) on the memory store
 * and SQLite (synchronous=FULL, group commit); etcd joins the table when its backend is
 * installed. Each backend gets a fresh server; the same machine, one run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './http-client.js';
import { createNamespace, load, LoadClient, startServer, withCpu } from './http-harness.js';
import { type BenchFigure, defineBench, round } from './lib.js';

const CLIENTS = [1, 100];
const DURATION_MS = Number(process.env.STORES_BENCH_MS ?? 3000);

interface Backend {
  label: string;
  store: (dir: string) => string;
  plugins: string[];
}

const backends: Backend[] = [
  { label: 'memory', store: () => 'memory', plugins: [] },
  { label: 'sqlite', store: (dir) => `sqlite:${join(dir, 'sqlite')}`, plugins: ['store-sqlite'] },
];

export default defineBench({
  name: 'stores',
  async run() {
    const figures: BenchFigure[] = [];
    const client = new LoadClient();
    try {
      for (const b of backends) {
        const dir = mkdtempSync(join(tmpdir(), `keelson-storesbench-${b.label}-`));
        const cluster = await startServer(dir, b.store(dir), b.plugins);
        try {
          await client.target(cluster.url);
          await createNamespace(cluster, 'load');
          await client.run<LoadResult>({ cmd: 'load', op: 'create', ns: 'load', clients: 10, durationMs: 500, pods: 0 }); // warm-up
          for (const clients of CLIENTS) {
            const { result: r, cpu } = await withCpu(() => client.run<LoadResult>({ cmd: 'load', op: 'create', ns: 'load', clients, durationMs: DURATION_MS, pods: 0 }));
            if (r.errors) throw new Error(`${b.label} ×${clients}: ${r.errors} errors`);
            const tag = `${b.label}: create pod, ${clients} client${clients > 1 ? 's' : ''}`;
            figures.push({ name: `${tag}: throughput`, value: round(r.ops / r.seconds, 0), unit: 'ops/s', notes: `${r.ops} creates in ${round(r.seconds, 1)} s, server CPU ${cpu}%, load ${load()}` });
            figures.push({ name: `${tag}: p50`, value: round(r.p50, 2), unit: 'ms' });
            figures.push({ name: `${tag}: p99`, value: round(r.p99, 2), unit: 'ms' });
          }
        } finally {
          await cluster.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    } finally {
      client.close();
    }
    return figures;
  },
});
