/**
 * HttpClient against the in-process client: the same Client calls, once straight into a registry
 * in this process (memory store) and once over HTTP to `keelson server --store memory` running
 * in a child process (plugin core only, no controllers), so this process does only client work.
 *
 * Figures, for each transport:
 * - creates/s of ~1 KB pods with 1 and 16 calls in flight (closed loop);
 * - gets/s with 16 in flight;
 * - watch replay: events/s delivered to a handler for a watch started at a resourceVersion
 *   followed by WATCH_EVENTS stored changes (the server replays them from its history);
 * - live watch: events/s delivered while 16 writers create pods (from the first write to the
 *   last event).
 * The notes give this process's CPU time over each run's wall time (100% = one core): for
 * HttpClient that is the client's own cost, the rest is the server's (in its own process).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject, Pod } from '@keelson/api';
import { HttpClient } from '@keelson/client-http';
import { type Client, createCluster, MemoryStore, silentLogger } from '@keelson/core';
import corePlugin from '@keelson/plugin-core';
import { podManifest } from './pod-manifest.js';
import { type BenchFigure, defineBench, round } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', '..', 'packages', 'cli', 'src', 'bin.ts');
const CREATES = Number(process.env.CLIENT_BENCH_CREATES ?? 3_000);
const WATCH_EVENTS = Number(process.env.CLIENT_BENCH_EVENTS ?? 5_000);
const podKind = { apiVersion: 'v1', kind: 'Pod' };

const pod = (ns: string, name: string): Pod => podManifest(ns, name) as unknown as Pod;

/** Runs `count` calls with `inFlight` workers; returns calls per second. */
async function closedLoop(count: number, inFlight: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await call(next++);
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

/** Runs fn; returns its result and this process's CPU time over the wall time, in % of one core. */
async function withCpu<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return [value, ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100];
}

async function measure(label: string, client: Client): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const ns = `bench-${label.toLowerCase()}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const fig = async (name: string, unit: string, notes: string, run: () => Promise<number>) => {
    const [value, cpu] = await withCpu(run);
    figures.push({ name: `${label}: ${name}`, value: round(value), unit, notes: `${notes}; this process ${Math.round(cpu)}% CPU` });
  };

  await closedLoop(200, 16, (i) => client.create(pod(ns, `warm-${i}`))); // JIT, connections
  await fig('create, 1 in flight', 'creates/s', `${CREATES / 3} pods`, () => closedLoop(CREATES / 3, 1, (i) => client.create(pod(ns, `c1-${i}`))));
  await fig('create, 16 in flight', 'creates/s', `${CREATES} pods`, () => closedLoop(CREATES, 16, (i) => client.create(pod(ns, `c16-${i}`))));
  await fig('get, 16 in flight', 'gets/s', `${CREATES} pods`, () => closedLoop(CREATES, 16, (i) => client.get(podKind, `c16-${i}`, { namespace: ns })));

  // Replay: WATCH_EVENTS changes stored after `from`, then one watch from `from`.
  const wns = `${ns}-replay`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: wns } });
  const from = (await client.list(podKind, { namespace: wns })).metadata.resourceVersion!;
  await closedLoop(WATCH_EVENTS, 16, (i) => client.create(pod(wns, `r-${i}`)));
  await fig('watch replay', 'events/s', `${WATCH_EVENTS} ADDED events from history`, () => watchRate(client, { namespace: wns, resourceVersion: from }, async () => {}));

  const lns = `${ns}-live`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: lns } });
  const rv = (await client.list(podKind, { namespace: lns })).metadata.resourceVersion!;
  await fig('live watch', 'events/s', `${WATCH_EVENTS} creates by 16 writers, first write to last event`, () =>
    watchRate(client, { namespace: lns, resourceVersion: rv }, () => closedLoop(WATCH_EVENTS, 16, (i) => client.create(pod(lns, `l-${i}`)))),
  );
  return figures;
}

/** Events per second until WATCH_EVENTS events arrived, from the moment `writes` starts. */
async function watchRate(client: Client, opts: { namespace: string; resourceVersion: string }, writes: () => Promise<unknown>): Promise<number> {
  let seen = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const t0 = performance.now();
  const handle = await client.watch<KubeObject>(podKind, opts, (e) => {
    if (e.type === 'ADDED' && ++seen === WATCH_EVENTS) done();
  });
  await writes();
  await all;
  const rate = WATCH_EVENTS / ((performance.now() - t0) / 1000);
  handle.stop();
  return rate;
}

/** `keelson server --store memory --port 0` with plugin core, as a child process; resolves with its URL. */
async function startServer(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const config = join(dir, 'keelson.yaml');
  writeFileSync(config, 'plugins: [core]\n');
  const child = fork(bin, ['server', '--store', 'memory', '--port', '0', '--config', config, '--kubeconfig', join(dir, 'kubeconfig'), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /keelson API server is up at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`keelson server exited (${code}): ${out}`)));
  });
  return { child, url };
}

export default defineBench({
  name: 'client-http',
  async run() {
    const figures: BenchFigure[] = [];
    const local = await createCluster({ plugins: [corePlugin], store: new MemoryStore(), logger: silentLogger });
    try {
      figures.push(...(await measure('in-process', local.client)));
    } finally {
      await local.stop();
    }
    const dir = mkdtempSync(join(tmpdir(), 'keelson-bench-client-'));
    const { child, url } = await startServer(dir);
    const client = new HttpClient({ server: url });
    try {
      figures.push(...(await measure('HttpClient', client)));
    } finally {
      client.close();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
});
