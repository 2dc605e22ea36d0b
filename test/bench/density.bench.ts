/**
 * Density benchmark, kwok's gates side by side: a keelson server started in-process with `up()`
 * (memory store, scheduler, runtime-sim and the kubelet plugin running DENSITY_NODES simulated
 * nodes in the same process), then:
 *
 * 1. nodes: time until every node is registered and Ready; RSS;
 * 2. heartbeats: a steady window in which every node renews its Lease every 10 s; the latency
 *    of mutating requests (PATCH of a ConfigMap over HTTP, 10/s) meanwhile, p50/p99;
 * 3. pods: DENSITY_PODS pods bound to node1 (spec.nodeName, POST over HTTP by 20 clients in a child
 *    process): time until all are Running (kwok gate: 120 s; target 30 s); RSS;
 * 4. delete: one DELETE on the collection (graceful: the node agent stops each pod and removes it
 *    with grace 0): time until all are gone (kwok gate: 120 s; target 30 s).
 *
 * Node agents record no Events here (DENSITY_EVENTS=true turns them on), as kwok's nodes.
 * Pod CIDRs: each node gets a /18 of 127.0.0.0/8 so node1 has room for 10k pod IPs (the ranges
 * overlap the node InternalIPs of 127.1.0.0/16; the simulated runtime sends no traffic).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from '@keelson/api';
import { type RunningCluster, up } from 'keelson';
import type { LoadResult } from './http-client.js';
import { type BenchFigure, defineBench, percentile, round } from './lib.js';
import { LoadClient } from './load-client.js';

const NODES = Number(process.env.DENSITY_NODES ?? 1000);
const PODS = Number(process.env.DENSITY_PODS ?? 10_000);
const HEARTBEAT_WINDOW_MS = Number(process.env.DENSITY_HEARTBEAT_MS ?? 15_000);
/** Kubelet Events (Pulling, Pulled, Created, Started, Killing) cost 4-5 writes per pod; kwok writes none. */
const EVENTS = process.env.DENSITY_EVENTS === 'true';
const MiB = 2 ** 20;
const NodeRef = { apiVersion: 'v1', kind: 'Node' } as const;
const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;

const progress = (line: string) => process.stderr.write(`  density: ${line}\n`);

function rss(): number {
  globalThis.gc?.();
  return round(process.memoryUsage().rss / MiB);
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`density: ${what} not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function http(cluster: RunningCluster, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<number> {
  const r = await fetch(`${cluster.url}${path}`, { method, headers: { 'Content-Type': contentType }, ...(body ? { body: JSON.stringify(body) } : {}) });
  await r.arrayBuffer();
  if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status}`);
  return r.status;
}

export default defineBench({
  name: 'density',
  async run() {
    const figures: BenchFigure[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'keelson-density-'));
    const config = join(dir, 'keelson.yaml');
    writeFileSync(
      config,
      `plugins:
  - core
  - namespace
  - garbage-collector
  - scheduler
  - scheduler-node-name
  - scheduler-default-binder
  - runtime-sim
  - name: kubelet
    options:
      nodes: ${NODES}
      capacity: { cpu: "64", memory: 256Gi, pods: "${PODS + 100}" }
      clusterCIDR: 127.0.0.0/8
      nodeCIDRMaskSize: 18
      events: ${EVENTS}
`,
    );
    const rss0 = rss();
    const t0 = performance.now();
    const cluster = await up({ port: 0, store: 'memory', config, kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
    const client = cluster.cluster.client;
    const loader = new LoadClient();
    try {
      await loader.target(cluster.url);
      // 1. nodes Ready
      await waitUntil(
        async () => {
          const nodes = (await client.list<Node>(NodeRef, { resourceVersion: '0' })).items;
          return nodes.length === NODES && nodes.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        },
        120_000,
        `${NODES} nodes Ready`,
      );
      const nodesMs = performance.now() - t0;
      progress(`${NODES} nodes Ready after ${round(nodesMs)} ms`);
      figures.push({ name: `${NODES} nodes Ready`, value: round(nodesMs), unit: 'ms', notes: 'from up() to every node registered with Ready=True (in-process agents)' });
      figures.push({ name: `RSS with ${NODES} nodes`, value: rss(), unit: 'MiB', notes: `before start: ${rss0} MiB` });

      // 2. heartbeats: mutating latency while every lease renews every 10 s
      await http(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'density' } });
      await http(cluster, 'POST', '/api/v1/namespaces/density/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'probe' }, data: { n: '0' } });
      const latencies: number[] = [];
      const until = performance.now() + HEARTBEAT_WINDOW_MS;
      for (let i = 0; performance.now() < until; i++) {
        const s = performance.now();
        await http(cluster, 'PATCH', '/api/v1/namespaces/density/configmaps/probe', { data: { n: String(i) } }, 'application/merge-patch+json');
        latencies.push(performance.now() - s);
        await new Promise((r) => setTimeout(r, 100));
      }
      figures.push({
        name: `mutating p99 with ${NODES} nodes heartbeating`,
        value: round(percentile(latencies, 99)),
        unit: 'ms',
        notes: `PATCH configmap over HTTP, ${latencies.length} requests in ${HEARTBEAT_WINDOW_MS / 1000} s; p50 ${round(percentile(latencies, 50))} ms; target ≤ 100 ms`,
      });

      progress(`heartbeat window done (${latencies.length} PATCHes)`);
      // 3. pods Running on node1
      const running = new Set<string>();
      const gone = new Set<string>();
      const watch = await client.watch<Pod>(PodRef, { namespace: 'density' }, (e) => {
        if (e.type === 'ERROR' || e.type === 'BOOKMARK') return;
        const p = e.object as Pod;
        if (e.type === 'DELETED') gone.add(p.metadata.uid!);
        else if (p.status?.phase === 'Running') running.add(p.metadata.uid!);
      });
      const t1 = performance.now();
      // The creates come from a load generator in a child process (20 keep-alive HTTP clients), so
      // client-side HTTP and JSON work does not share the control plane's event loop.
      const created = await loader.run<LoadResult>({
        cmd: 'create',
        ns: 'density',
        prefix: 'pod',
        count: PODS,
        clients: 20,
        manifest: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { app: 'density' } }, spec: { nodeName: 'node1', containers: [{ name: 'c', image: 'nginx:1.27' }] } },
      });
      if (created.errors) throw new Error(`density: ${created.errors} pod creates failed`);
      const createdMs = performance.now() - t1;
      progress(`${PODS} pods created after ${round(createdMs)} ms (${running.size} Running)`);
      await waitUntil(() => running.size >= PODS, 180_000, `${PODS} pods Running`);
      const runningMs = performance.now() - t1;
      progress(`${PODS} pods Running after ${round(runningMs)} ms`);
      figures.push({ name: `${PODS} pods Running on one node`, value: round(runningMs), unit: 'ms', notes: `from the first create (creates done after ${round(createdMs)} ms by 20 HTTP clients in a child process, p99 ${round(created.p99)} ms); target ≤ 30 s, kwok gate 120 s` });
      figures.push({ name: `RSS with ${NODES} nodes and ${PODS} pods`, value: rss(), unit: 'MiB' });

      // 4. delete them all (graceful; the node agent finishes each)
      const t2 = performance.now();
      await http(cluster, 'DELETE', '/api/v1/namespaces/density/pods');
      await waitUntil(() => gone.size >= PODS, 180_000, `${PODS} pods deleted`);
      figures.push({ name: `${PODS} pods deleted`, value: round(performance.now() - t2), unit: 'ms', notes: 'one DELETE on the collection until the last pod is gone; target ≤ 30 s, kwok gate 120 s' });
      watch.stop();
    } finally {
      loader.close();
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
});
