/**
 * Workload benchmark (issue "ReplicaSet, ReplicationController and Deployment"): `keelson up` as
 * its own process, as a user runs it (memory store, the default plugins: deployment and
 * replicaset controllers, the scheduler with its default profile, DEPLOY_NODES simulated nodes
 * over runtime-sim), then DEPLOY_COUNT Deployments × DEPLOY_REPLICAS replicas created over HTTP:
 *
 * - time until every Deployment reports all replicas available;
 * - pod startup latency as Kubernetes' SLO measures it: from a pod's creation (its ADDED event on
 *   a watch) to the first watch event showing it Running, p50/p99 (SLO: p99 ≤ 5 s; target 1 s);
 * - the control plane's RSS: the `keelson up` process's (API server, store, controllers,
 *   scheduler and node agents), read from /proc, at the end and at its peak.
 *
 * The process runs the built CLI (packages/cli/dist, what `npm start` runs) when it is built,
 * else the sources through tsx (which itself adds ~60 MiB); the figures say which.
 * DEPLOY_NODE_OPTIONS passes node/V8 flags to it, DEPLOY_UP_FLAGS more `keelson up` flags (e.g.
 * --heap-growth 0), DEPLOY_STORE another store URL (e.g. sqlite:, the default of `keelson up`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, defineBench, percentile, round } from './lib.js';

const NODES = Number(process.env.DEPLOY_NODES ?? 100);
const COUNT = Number(process.env.DEPLOY_COUNT ?? 100);
const REPLICAS = Number(process.env.DEPLOY_REPLICAS ?? 30);
const STORE = process.env.DEPLOY_STORE ?? 'memory';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const progress = (line: string) => process.stderr.write(`  deployments: ${line}\n`);

/** VmRSS and VmHWM (peak) of a process, in MiB. */
function procMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: round(kib('VmRSS') / 1024), peak: round(kib('VmHWM') / 1024) };
}

async function startUp(dir: string): Promise<{ child: ChildProcess; url: string; how: string }> {
  const built = join(root, 'packages', 'cli', 'dist', 'bin.js');
  const how = existsSync(built) ? 'built CLI (dist)' : 'sources through tsx';
  const entry = existsSync(built) ? [built] : ['--import', 'tsx', '--conditions=source', join(root, 'packages', 'cli', 'src', 'bin.ts')];
  const flags = (process.env.DEPLOY_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, ...entry, 'up', '--port', '0', '--store', STORE, '--data-dir', join(dir, 'data'), '--nodes', String(NODES), '--kubeconfig', join(dir, 'kubeconfig'), '--log-level', 'warn', ...(process.env.DEPLOY_UP_FLAGS ?? '').split(' ').filter(Boolean)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keelson up did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /keelson is up at (http:\/\/\S+):/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`keelson up exited (${code}):\n${out}`)));
  });
  return { child, url, how };
}

/** The V8 heap of the process, from its /metrics: in use, reserved, and the old space. */
async function heapFigures(url: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const mib = (name: string) => round(Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1048576);
  return `V8 heap ${mib('nodejs_heap_size_used_bytes')} MiB used of ${mib('nodejs_heap_size_total_bytes')} MiB (old space ${mib('nodejs_heap_space_size_used_bytes{space="old"}')} of ${mib('nodejs_heap_space_size_total_bytes{space="old"}')}), external ${mib('nodejs_external_memory_bytes')} MiB`;
}

interface PodEvent {
  type: string;
  object: { metadata: { uid: string }; status?: { phase?: string } };
}

/** A watch over HTTP on the namespace's pods: calls `on` for every event until aborted. */
function watchPods(url: string, on: (e: PodEvent) => void): { stop(): void } {
  const ctl = new AbortController();
  void (async () => {
    try {
      const res = await fetch(`${url}/api/v1/namespaces/bench/pods?watch=1`, { signal: ctl.signal });
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line.trim()) on(JSON.parse(line) as PodEvent);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  return { stop: () => ctl.abort() };
}

export default defineBench({
  name: 'deployments',
  async run() {
    const figures: BenchFigure[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'keelson-deploybench-'));
    const { child, url, how } = await startUp(dir);
    try {
      const request = async (method: string, path: string, body?: unknown) => {
        const r = await fetch(`${url}${path}`, { method, headers: { 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
        const text = await r.text();
        if (r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status} ${text}`);
        return JSON.parse(text) as { items: { metadata: { generation?: number }; status?: { availableReplicas?: number; observedGeneration?: number; conditions?: { type: string; status: string }[] } }[] };
      };
      await request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
      for (;;) {
        const nodes = await request('GET', '/api/v1/nodes');
        if (nodes.items.length >= NODES && nodes.items.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const idle = procMemory(child.pid!);
      const added = new Map<string, number>();
      const startup: number[] = [];
      const seenRunning = new Set<string>();
      const podWatch = watchPods(url, (e) => {
        if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
        const uid = e.object.metadata.uid;
        if (!added.has(uid)) added.set(uid, performance.now());
        if (e.object.status?.phase === 'Running' && !seenRunning.has(uid)) {
          seenRunning.add(uid);
          startup.push(performance.now() - added.get(uid)!);
        }
      });
      await new Promise((r) => setTimeout(r, 200)); // the watch is established
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: COUNT }, (_, i) =>
          request('POST', '/apis/apps/v1/namespaces/bench/deployments', {
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
      for (;;) {
        const list = await request('GET', '/apis/apps/v1/namespaces/bench/deployments');
        const available = list.items.filter((d) => (d.status?.availableReplicas ?? 0) >= REPLICAS && d.status?.observedGeneration === d.metadata.generation).length;
        if (available === COUNT) break;
        if (performance.now() - t0 > 600_000) throw new Error(`only ${available}/${COUNT} Deployments available after 600 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const allMs = performance.now() - t0;
      progress(`${COUNT} × ${REPLICAS} available after ${round(allMs)} ms`);
      podWatch.stop();
      const pods = COUNT * REPLICAS;
      const mem = procMemory(child.pid!);
      const heap = await heapFigures(url);
      figures.push({ name: `${COUNT} Deployments × ${REPLICAS} replicas all Available`, value: round(allMs), unit: 'ms', notes: `${pods} pods on ${NODES} simulated nodes; creates (${COUNT} POSTs in parallel) took ${round(createdMs)} ms` });
      figures.push({ name: 'pod startup latency p50', value: round(percentile(startup, 50)), unit: 'ms', notes: `creation (ADDED on a watch over HTTP) → Running observed, ${startup.length} pods` });
      figures.push({ name: 'pod startup latency p99', value: round(percentile(startup, 99)), unit: 'ms', notes: "target ≤ 1000 ms; Kubernetes' SLO 5 s" });
      figures.push({ name: `control-plane RSS with ${pods} pods`, value: mem.rss, unit: 'MiB', notes: `the keelson up process (${how}, store ${STORE}${[process.env.DEPLOY_NODE_OPTIONS, process.env.DEPLOY_UP_FLAGS].filter(Boolean).map((f) => `, ${f}`).join('')}): API server, store, controllers, scheduler, ${NODES} node agents; ${idle.rss} MiB with the nodes Ready and no pods; target ≤ 300 MB (286 MiB); ${heap}` });
      figures.push({ name: 'control-plane peak RSS during the run', value: mem.peak, unit: 'MiB', notes: 'VmHWM of the keelson up process' });
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
});
