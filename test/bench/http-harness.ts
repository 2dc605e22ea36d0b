/** What the HTTP benchmarks share: the child-process load generator and a server started with `up()`. */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningCluster, up } from 'keelson';
import type { Command } from './http-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const MiB = 2 ** 20;

/** The child-process load generator, one command at a time. */
export class LoadClient {
  private readonly child: ChildProcess;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor() {
    this.child = fork(join(here, 'http-client.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id)!;
      this.waiting.delete(m.id);
      if (m.error) w.reject(new Error(`load client: ${m.error}`));
      else w.resolve(m.result);
    });
  }

  private ask<T>(msg: { url?: string; command?: Command }): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, ...msg });
    });
  }

  target(url: string): Promise<unknown> {
    return this.ask({ url });
  }

  run<T>(command: Command): Promise<T> {
    return this.ask<T>({ command });
  }

  close(): void {
    this.child.kill();
  }
}

/** Runs fn and reports the server process's CPU use over it (percent of one core). */
export async function withCpu<T>(fn: () => Promise<T>): Promise<{ result: T; cpu: number }> {
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
export async function startServer(dir: string, store = 'memory', extraPlugins: string[] = []): Promise<RunningCluster> {
  const config = join(dir, 'keelson.yaml');
  writeFileSync(config, `plugins: [${['core', 'namespace', 'garbage-collector', ...extraPlugins].join(', ')}]\n`);
  return up({ port: 0, store, watchCache: process.env.HTTP_BENCH_WATCH_CACHE === 'off' ? false : undefined, config, kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
}

export async function createNamespace(cluster: RunningCluster, name: string): Promise<void> {
  const r = await fetch(`${cluster.url}/api/v1/namespaces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
  });
  if (r.status !== 201) throw new Error(`creating namespace ${name}: ${r.status} ${await r.text()}`);
}

export function rssMiB(): { rss: number; heap: number } {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / MiB, heap: m.heapUsed / MiB };
}

export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join('/');
}

