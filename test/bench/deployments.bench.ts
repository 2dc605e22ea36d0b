/**
 * Workload benchmark (issue "ReplicaSet, ReplicationController and Deployment"): a keelson cluster
 * in-process with `up()` (memory store, the default plugins: deployment and replicaset
 * controllers, the scheduler with its default profile, DEPLOY_NODES simulated nodes over
 * runtime-sim), then DEPLOY_COUNT Deployments × DEPLOY_REPLICAS replicas created over HTTP:
 *
 * - time until every Deployment reports all replicas available;
 * - pod startup latency as Kubernetes' SLO measures it: from a pod's creation (its ADDED event on
 *   a watch) to the first watch event showing it Running, p50/p99 (SLO: p99 ≤ 5 s; target 1 s);
 * - the control plane's RSS (this process: API server, controllers, scheduler and node agents).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import type { Deployment, Pod } from '@keelson/api';
import { up } from 'keelson';
import { type BenchFigure, defineBench, percentile, round } from './lib.js';

const NODES = Number(process.env.DEPLOY_NODES ?? 100);
const COUNT = Number(process.env.DEPLOY_COUNT ?? 100);
const REPLICAS = Number(process.env.DEPLOY_REPLICAS ?? 30);
const MiB = 2 ** 20;
const progress = (line: string) => process.stderr.write(`  deployments: ${line}\n`);
const rss = () => {
  globalThis.gc?.();
  return round(process.memoryUsage().rss / MiB);
};

export default defineBench({
  name: 'deployments',
  async run() {
    const figures: BenchFigure[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'keelson-deploybench-'));
    const config = join(dir, 'keelson.yaml');
    // The default plugin list, with the node count set (what `keelson up --nodes N` does).
    const { defaultPlugins } = await import('keelson');
    writeFileSync(config, `plugins:\n${defaultPlugins.map((p) => (p === 'kubelet' ? `  - name: kubelet\n    options: { nodes: ${NODES} }` : `  - ${p}`)).join('\n')}\n`);
    const rss0 = rss();
    // The peak RSS during the run (V8 keeps heap pages it grew to, so the peak shapes the end figure).
    let peakRss = 0;
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapTotal);
      if (process.env.DEPLOY_TRACE_MEMORY) progress(`rss ${round(m.rss / MiB)} heapTotal ${round(m.heapTotal / MiB)} heapUsed ${round(m.heapUsed / MiB)} MiB`);
    }, 250);
    const cluster = await up({ port: 0, store: 'memory', config, kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
    const client = cluster.cluster.client;
    try {
      const post = async (path: string, body: unknown) => {
        const r = await fetch(`${cluster.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        if (r.status !== 201) throw new Error(`POST ${path}: HTTP ${r.status} ${await r.text()}`);
      };
      await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
      // Wait for the nodes.
      for (;;) {
        const nodes = await client.list({ apiVersion: 'v1', kind: 'Node' });
        if (nodes.items.length >= NODES) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const added = new Map<string, number>();
      const startup: number[] = [];
      const seenRunning = new Set<string>();
      const podWatch = await client.watch<Pod>({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'bench' }, (e) => {
        if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
        const p = e.object as Pod;
        const uid = p.metadata.uid!;
        if (!added.has(uid)) added.set(uid, performance.now());
        if (p.status?.phase === 'Running' && !seenRunning.has(uid)) {
          seenRunning.add(uid);
          startup.push(performance.now() - added.get(uid)!);
        }
      });
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: COUNT }, (_, i) =>
          post('/apis/apps/v1/namespaces/bench/deployments', {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: `web-${i}` },
            spec: {
              replicas: REPLICAS,
              selector: { matchLabels: { app: `web-${i}` } },
              template: { metadata: { labels: { app: `web-${i}` } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
            },
          }),
        ),
      );
      const createdMs = performance.now() - t0;
      let available = 0;
      for (;;) {
        const list = await client.list<Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment' }, { namespace: 'bench' });
        available = list.items.filter((d) => (d.status?.availableReplicas ?? 0) >= REPLICAS && d.status?.observedGeneration === d.metadata.generation).length;
        if (available === COUNT) break;
        if (performance.now() - t0 > 600_000) throw new Error(`only ${available}/${COUNT} Deployments available after 600 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const allMs = performance.now() - t0;
      progress(`${COUNT} × ${REPLICAS} available after ${round(allMs)} ms`);
      podWatch.stop();
      const pods = COUNT * REPLICAS;
      figures.push({ name: `${COUNT} Deployments × ${REPLICAS} replicas all Available`, value: round(allMs), unit: 'ms', notes: `${pods} pods on ${NODES} simulated nodes; creates (${COUNT} POSTs in parallel) took ${round(createdMs)} ms` });
      figures.push({ name: 'pod startup latency p50', value: round(percentile(startup, 50)), unit: 'ms', notes: `creation (ADDED on a watch) → Running observed, ${startup.length} pods` });
      figures.push({ name: 'pod startup latency p99', value: round(percentile(startup, 99)), unit: 'ms', notes: "target ≤ 1000 ms; Kubernetes' SLO 5 s" });
      const rssNow = rss();
      clearInterval(sampler);
      const m = process.memoryUsage();
      const heap = round(m.heapUsed / MiB);
      figures.push({ name: `control-plane RSS with ${pods} pods`, value: rssNow, unit: 'MiB', notes: `one process: API server, store, controllers, scheduler, ${NODES} node agents; JS heap used ${heap} MiB of ${round(m.heapTotal / MiB)} MiB, external ${round(m.external / MiB)} MiB; before start ${rss0} MiB; target ≤ 300 MB` });
      figures.push({ name: 'control-plane peak RSS during the run', value: round(peakRss / MiB), unit: 'MiB', notes: `peak JS heap total ${round(peakHeap / MiB)} MiB` });
      if (process.env.DEPLOY_HEAPSNAPSHOT) progress(`heap snapshot written to ${writeHeapSnapshot(process.env.DEPLOY_HEAPSNAPSHOT)}`);
    } finally {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
});
