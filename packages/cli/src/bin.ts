#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { up } from './up.js';

const program = new Command('keelson').description('Keelson: a Kubernetes control plane assembled from plugins').version('0.1.0');

type ServeOptions = { config?: string; store?: string; dataDir?: string; logLevel: 'debug' | 'info' | 'warn' | 'error'; port: number; kubeconfig?: string; nodes?: number };

function parseNodes(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number >= 0');
  return n;
}

/** Starts a cluster (with or without controllers) and stops it cleanly on SIGINT/SIGTERM. */
async function serve(opts: ServeOptions, controllers: boolean): Promise<void> {
  const cluster = await up({ ...opts, controllers });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping...\n`);
    await cluster.stop();
    process.stderr.write('stopped\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // Keep the process alive until a signal arrives.
  setInterval(() => {}, 1 << 30);
}

function clusterCommand(name: string, description: string, controllers: boolean): void {
  const cmd = program
    .command(name)
    .description(description)
    .option('-p, --port <port>', 'API server port (0 = any free port)', (v) => Number(v), 6443)
    .option('--kubeconfig <file>', 'where to write the kubeconfig (default ~/.keelson/kubeconfig)')
    .option('-c, --config <file>', 'keelson.yaml listing plugins and their options')
    .option('--store <url>', 'store URL: sqlite: (default, in the data dir), sqlite:DIR, memory', undefined)
    .option('--data-dir <dir>', 'data directory of the embedded SQLite store (default ~/.keelson/data)')
    .option('--log-level <level>', 'debug | info | warn | error', 'info');
  if (controllers) cmd.option('--nodes <n>', 'simulated nodes to run in-process (the kubelet plugin\'s "nodes" option; default 3)', (v) => parseNodes(v));
  cmd.action((opts: ServeOptions) => serve(opts, controllers));
}

clusterCommand('up', 'start an all-in-one cluster: API server on 127.0.0.1, store, controllers; writes a kubeconfig', true);
clusterCommand('server', 'start the API server only (registry, admission, store; no controllers); writes a kubeconfig', false);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`keelson: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
