/**
 * API server benchmark over real HTTP: a keelson server started in-process with `up()` (memory
 * store, default plugins and their controllers, as `keelson up` runs), driven on 127.0.0.1 by a
 * load generator in a child process (http-client.ts) with keep-alive connections (one node:http
 * Agent per run, maxSockets = clients), so client-side HTTP and JSON work does not share the
 * server's event loop.
 *
 * Figures:
 * - create / get / list (1k pods, JSON) / update (PUT with resourceVersion) with 1, 10 and 100
 *   closed-loop clients: throughput and latency p50/p99 (time to the last byte of the response);
 * - watch: 1, 10, 100 watchers on the pods collection while one writer creates and updates pods:
 *   delivered events/s and write→delivery latency (the write time rides in an annotation);
 * - 30k pods in one namespace: time to create them (10 clients), LIST all in one request, LIST
 *   with limit=500 (every page), the Table kubectl asks for, and the process RSS with them stored.
 *
 * Server CPU in the notes is this process's CPU time over the wall time of the run (100% = one
 * core busy; the server is single-threaded apart from GC helpers).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningCluster, up } from 'keelson';
import type { LoadResult, WatchResult } from './http-client.js';
import { LoadClient } from './load-client.js';
import { type BenchFigure, defineBench, round } from './lib.js';

const BIG = Number(process.env.HTTP_BENCH_PODS ?? 30_000);
const LIST_PODS = 1_000;
const CLIENTS = [1, 10, 100];
const WATCHERS: [number, number][] = [
  [1, 2_000],
  [10, 2_000],
  [100, 1_000],
];
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const MiB = 2 ** 20;
/** HTTP_BENCH_ONLY=big,crud,watch (default all) runs a subset, e.g. under `node --cpu-prof`. */
const only = new Set((process.env.HTTP_BENCH_ONLY ?? 'big,crud,watch').split(','));
const OPS = (process.env.HTTP_BENCH_OPS ?? 'create,get,list,update').split(',');

/** Runs fn and reports the server process's CPU use over it (percent of one core). */
async function withCpu<T>(fn: () => Promise<T>): Promise<{ result: T; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const c = process.cpuUsage(c0);
  return { result, cpu: Math.round(((c.user + c.system) / 1000 / (performance.now() - t0)) * 100) };
}

/**
 * The API server with the controllers that act on any object (namespace, garbage collector), as
 * measured since the first run. Not the scheduler: it would write to every Pending pod (and make
 * the PUTs of this bench conflict), which is a scheduler workload, not an API server one.
 */
async function startServer(dir: string): Promise<RunningCluster> {
  const config = join(dir, 'keelson.yaml');
  writeFileSync(config, 'plugins: [core, namespace, garbage-collector]\n');
  return up({ port: 0, store: 'memory', watchCache: process.env.HTTP_BENCH_WATCH_CACHE === 'off' ? false : undefined, config, kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
}

async function createNamespace(cluster: RunningCluster, name: string): Promise<void> {
  const r = await fetch(`${cluster.url}/api/v1/namespaces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
  });
  if (r.status !== 201) throw new Error(`creating namespace ${name}: ${r.status} ${await r.text()}`);
}

function rssMiB(): { rss: number; heap: number } {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / MiB, heap: m.heapUsed / MiB };
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join('/');
}

/** 30k pods: create, LIST (one request, paginated, Table) and RSS. */
async function bigList(dir: string, client: LoadClient, figures: BenchFigure[]): Promise<void> {
  const cluster = await startServer(dir);
  try {
    await client.target(cluster.url);
    await createNamespace(cluster, 'big');
    const before = rssMiB();
    const { result: created, cpu } = await withCpu(() => client.run<LoadResult>({ cmd: 'create', ns: 'big', prefix: 'pod', count: BIG, clients: 10 }));
    if (created.errors) throw new Error(`${created.errors} creates failed`);
    figures.push({ name: `create ${BIG / 1000}k pods`, value: round(created.seconds, 2), unit: 's', notes: `10 clients, server CPU ${cpu}%, load ${load()}` });
    figures.push({ name: `create ${BIG / 1000}k pods: throughput`, value: round(created.ops / created.seconds, 0), unit: 'ops/s', notes: `p50 ${round(created.p50, 2)} ms, p99 ${round(created.p99, 2)} ms` });
    const after = rssMiB();
    figures.push({
      name: `RSS with ${BIG / 1000}k pods`,
      value: round(after.rss, 0),
      unit: 'MiB',
      notes: `after gc; +${round(after.rss - before.rss, 0)} MiB over the idle server (${round(before.rss, 0)}); heap used ${round(after.heap, 0)} MiB (store values + history, GC controller informer cache)`,
    });

    const timed = async (label: string, cmd: Extract<Command, { cmd: 'fetch' }>, runs: number) => {
      const results = [];
      for (let i = 0; i < runs; i++) results.push((await withCpu(() => client.run<{ ms: number; parseMs: number; bytes: number; items: number; requests: number; status: number }>(cmd))));
      const best = results.reduce((a, b) => (b.result.ms < a.result.ms ? b : a));
      const r = best.result;
      if (r.status !== 200 || r.items !== BIG) throw new Error(`${label}: status ${r.status}, ${r.items} items`);
      const all = results.map((x) => Math.round(x.result.ms)).join(', ');
      figures.push({
        name: label,
        value: round(r.ms, 0),
        unit: 'ms',
        notes: `best of ${runs} (${all} ms), ${r.requests} request(s), ${round(r.bytes / MiB, 1)} MiB, server CPU ${best.cpu}%; client JSON.parse ${Math.round(r.parseMs)} ms not included`,
      });
    };
    const path = '/api/v1/namespaces/big/pods';
    await timed(`LIST ${BIG / 1000}k pods (JSON, one request)`, { cmd: 'fetch', path }, 3);
    await timed(`LIST ${BIG / 1000}k pods (limit=500, all pages)`, { cmd: 'fetch', path, paginate: 500 }, 2);
    await timed(`LIST ${BIG / 1000}k pods (Table, as kubectl get)`, { cmd: 'fetch', path, accept: TABLE_ACCEPT }, 3);
  } finally {
    await cluster.stop();
  }
}

/** create / get / list / update at 1, 10, 100 clients, then watch fan-out. */
async function crudAndWatch(dir: string, client: LoadClient, figures: BenchFigure[]): Promise<void> {
  const cluster = await startServer(dir);
  try {
    await client.target(cluster.url);
    for (const ns of ['crud', 'load', 'watch']) await createNamespace(cluster, ns);
    const seeded = await client.run<LoadResult>({ cmd: 'create', ns: 'crud', prefix: 'pod', count: LIST_PODS, clients: 10 });
    if (seeded.errors) throw new Error(`${seeded.errors} seed creates failed`);
    // Warm-up (JIT, connection set-up paths) before anything is measured.
    await client.run<LoadResult>({ cmd: 'load', op: 'get', ns: 'crud', clients: 10, durationMs: 500, pods: LIST_PODS });
    await client.run<LoadResult>({ cmd: 'load', op: 'list', ns: 'crud', clients: 1, durationMs: 300, pods: LIST_PODS });

    const ops = [
      { op: 'create', label: 'create pod (POST)', ms: 2000, ns: 'load' },
      { op: 'get', label: 'get pod', ms: 2000, ns: 'crud' },
      { op: 'list', label: `list ${LIST_PODS} pods (JSON)`, ms: 3000, ns: 'crud' },
      { op: 'update', label: 'update pod (PUT, resourceVersion)', ms: 2000, ns: 'crud' },
    ] as const;
    for (const o of ops.filter((x) => only.has('crud') && OPS.includes(x.op))) {
      for (const clients of CLIENTS) {
        const { result: r, cpu } = await withCpu(() => client.run<LoadResult>({ cmd: 'load', op: o.op, ns: o.ns, clients, durationMs: o.ms, pods: LIST_PODS }));
        if (r.errors) throw new Error(`${o.label} ×${clients}: ${r.errors} errors`);
        const tag = `${o.label}, ${clients} client${clients > 1 ? 's' : ''}`;
        const size = o.op === 'list' ? `, ${round(r.bytes / r.ops / MiB, 2)} MiB/response` : '';
        figures.push({ name: `${tag}: throughput`, value: round(r.ops / r.seconds, 0), unit: 'ops/s', notes: `${r.ops} ops in ${round(r.seconds, 1)} s, server CPU ${cpu}%${size}, load ${load()}` });
        figures.push({ name: `${tag}: p50`, value: round(r.p50, 2), unit: 'ms' });
        figures.push({ name: `${tag}: p99`, value: round(r.p99, 2), unit: 'ms' });
      }
    }

    for (const [watchers, writes] of only.has('watch') ? WATCHERS : []) {
      const { result: r, cpu } = await withCpu(() => client.run<WatchResult>({ cmd: 'watch', watchers, writes, ns: 'watch' }));
      const tag = `watch, ${watchers} watcher${watchers > 1 ? 's' : ''}`;
      const lost = r.delivered < r.expected ? `, ONLY ${r.delivered}/${r.expected} delivered` : '';
      figures.push({
        name: `${tag}: delivered events`,
        value: round(r.delivered / r.seconds, 0),
        unit: 'events/s',
        notes: `${writes} writes (create+update) by 1 sequential writer at ${round(r.writesPerSecond, 0)} writes/s, ${r.delivered} deliveries in ${round(r.seconds, 2)} s${lost}, server CPU ${cpu}%, load ${load()}`,
      });
      figures.push({ name: `${tag}: write→delivery p50`, value: round(r.p50, 2), unit: 'ms' });
      figures.push({ name: `${tag}: write→delivery p99`, value: round(r.p99, 2), unit: 'ms' });
    }
  } finally {
    await cluster.stop();
  }
}

export default defineBench({
  name: 'http',
  async run() {
    const figures: BenchFigure[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'keelson-httpbench-'));
    const client = new LoadClient();
    try {
      figures.push({ name: 'load average at start', value: loadavg()[0]!, unit: '', notes: `1/5/15 min: ${load()} on ${(await import('node:os')).cpus().length} cores` });
      if (only.has('big')) await bigList(dir, client, figures);
      if (only.has('crud') || only.has('watch')) await crudAndWatch(dir, client, figures);
      figures.push({ name: 'load average at end', value: loadavg()[0]!, unit: '', notes: `1/5/15 min: ${load()}` });
    } finally {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
});
