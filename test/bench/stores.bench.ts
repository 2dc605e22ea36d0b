/**
 * The stores side by side through the API server, in one run on this machine: creates/s and
 * latency with 1 and 100 HTTP clients on memory, SQLite (synchronous=full) and etcd (a real etcd
 * with fsync, started here), next to raw etcd puts/s of the same payload through the same gRPC
 * client (the floor an etcd-backed API server cannot beat). Each server is `up()` with the
 * plugins that act on any object (core, namespace, garbage-collector) and the watch cache.
 *
 * It also lists 200 pods (JSON) with 1 and 10 clients, which the watch cache serves from memory
 * whatever the store; STORES_BENCH_WATCH_CACHE=off reads the store for every list instead.
 *
 * STORES_BENCH_CREATES=N1,N100 sets how many creates each client count does (default 400,2000).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdStore } from '@keelson/plugin-store-etcd';
import { type EtcdProcess, startEtcd } from '@keelson/testing/etcd';
import { up } from 'keelson';
import type { LoadResult } from './http-client.js';
import { type BenchFigure, defineBench, percentile, round } from './lib.js';
import { LoadClient } from './load-client.js';

const [N1, N100] = (process.env.STORES_BENCH_CREATES ?? '400,2000').split(',').map(Number) as [number, number];

const load = () => loadavg().map((l) => l.toFixed(2)).join('/');

async function createNamespace(url: string, name: string): Promise<void> {
  const r = await fetch(`${url}/api/v1/namespaces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) });
  if (r.status !== 201) throw new Error(`creating namespace ${name}: ${r.status} ${await r.text()}`);
}

/** Creates through one API server on `store` with 1 and 100 clients; returns a stored pod's JSON (the payload). */
async function throughServer(label: string, store: string, dir: string, client: LoadClient, figures: BenchFigure[]): Promise<string> {
  const config = join(dir, `${label}.yaml`);
  writeFileSync(config, 'plugins: [core, namespace, garbage-collector]\n');
  const watchCache = process.env.STORES_BENCH_WATCH_CACHE === 'off' ? false : undefined;
  const cluster = await up({ port: 0, store, config, watchCache, kubeconfig: join(dir, `${label}.kubeconfig`), logLevel: 'warn', out: () => {} });
  try {
    await client.target(cluster.url);
    await createNamespace(cluster.url, 'bench');
    // Warm-up: JIT and connections, not measured.
    await client.run<LoadResult>({ cmd: 'create', ns: 'bench', prefix: 'warm', count: 100, clients: 10 });
    for (const [clients, count] of [[1, N1], [100, N100]] as const) {
      const r = await client.run<LoadResult>({ cmd: 'create', ns: 'bench', prefix: `c${clients}`, count, clients });
      if (r.errors) throw new Error(`${label}: ${r.errors} creates failed`);
      const tag = `${label}: create pod, ${clients} client${clients > 1 ? 's' : ''}`;
      figures.push({ name: `${tag}: throughput`, value: round(r.ops / r.seconds, 0), unit: 'creates/s', notes: `${r.ops} creates in ${round(r.seconds, 2)} s, load ${load()}` });
      figures.push({ name: `${tag}: p50`, value: round(r.p50, 2), unit: 'ms' });
      figures.push({ name: `${tag}: p99`, value: round(r.p99, 2), unit: 'ms' });
    }
    await createNamespace(cluster.url, 'list');
    await client.run<LoadResult>({ cmd: 'create', ns: 'list', prefix: 'pod', count: 200, clients: 10 });
    for (const clients of [1, 10]) {
      const r = await client.run<LoadResult>({ cmd: 'load', op: 'list', ns: 'list', clients, durationMs: 2000, pods: 200 });
      const tag = `${label}: list 200 pods, ${clients} client${clients > 1 ? 's' : ''}${watchCache === false ? ' (no watch cache)' : ''}`;
      figures.push({ name: `${tag}: throughput`, value: round(r.ops / r.seconds, 0), unit: 'lists/s', notes: `${r.ops} lists in ${round(r.seconds, 2)} s, load ${load()}` });
      figures.push({ name: `${tag}: p50`, value: round(r.p50, 2), unit: 'ms' });
      figures.push({ name: `${tag}: p99`, value: round(r.p99, 2), unit: 'ms' });
    }
    const kv = await cluster.cluster.store.get('/registry/core/pods/bench/c1-0');
    return kv!.value;
  } finally {
    await cluster.stop();
  }
}

/** Raw etcd puts of `payload` (fresh keys) with 1 and 100 concurrent callers: the floor. */
async function rawEtcd(etcd: EtcdProcess, payload: string, figures: BenchFigure[]): Promise<void> {
  const store = new EtcdStore({ endpoints: [etcd.endpoint] });
  const value = Buffer.from(payload);
  try {
    for (const [callers, count] of [[1, N1], [100, N100]] as const) {
      const latencies: number[] = [];
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: callers }, async () => {
          for (let i = next++; i < count; i = next++) {
            const t = performance.now();
            await store.client.kv.put({ key: Buffer.from(`/raw/${callers}/${i}`), value });
            latencies.push(performance.now() - t);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const tag = `raw etcd put (${value.length} B), ${callers} caller${callers > 1 ? 's' : ''}`;
      figures.push({ name: `${tag}: throughput`, value: round(count / seconds, 0), unit: 'puts/s', notes: `${count} puts in ${round(seconds, 2)} s, load ${load()}` });
      figures.push({ name: `${tag}: p50`, value: round(percentile(latencies, 50), 2), unit: 'ms' });
      figures.push({ name: `${tag}: p99`, value: round(percentile(latencies, 99), 2), unit: 'ms' });
    }
  } finally {
    await store.close();
  }
}

export default defineBench({
  name: 'stores',
  async run() {
    const figures: BenchFigure[] = [{ name: 'load average at start', value: loadavg()[0]!, unit: '', notes: `1/5/15 min: ${load()}` }];
    const dir = mkdtempSync(join(tmpdir(), 'keelson-storesbench-'));
    const client = new LoadClient();
    const etcd = await startEtcd({ dataDir: join(dir, 'etcd') });
    try {
      await throughServer('memory', 'memory', dir, client, figures);
      await throughServer('sqlite', `sqlite:${join(dir, 'sqlite')}`, dir, client, figures);
      const payload = await throughServer('etcd', etcd.url, dir, client, figures);
      await rawEtcd(etcd, payload, figures);
      figures.push({ name: 'load average at end', value: loadavg()[0]!, unit: '', notes: `1/5/15 min: ${load()}` });
    } finally {
      client.close();
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
});
