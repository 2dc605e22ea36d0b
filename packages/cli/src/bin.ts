#!/usr/bin/env node
import { Command } from 'commander';
import { migrate } from './migrate.js';
import { up } from './up.js';

const program = new Command('keelson').description('Keelson: a Kubernetes control plane assembled from plugins').version('0.1.0');

type ServeOptions = { config?: string; store?: string; dataDir?: string; logLevel: 'debug' | 'info' | 'warn' | 'error'; port: number; kubeconfig?: string };

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
  program
    .command(name)
    .description(description)
    .option('-p, --port <port>', 'API server port (0 = any free port)', (v) => Number(v), 6443)
    .option('--kubeconfig <file>', 'where to write the kubeconfig (default ~/.keelson/kubeconfig)')
    .option('-c, --config <file>', 'keelson.yaml listing plugins and their options')
    .option('--store <url>', 'store URL: sqlite: (default, in the data dir), sqlite:DIR, etcd://HOST:PORT[,...], memory', undefined)
    .option('--data-dir <dir>', 'data directory of the embedded SQLite store (default ~/.keelson/data)')
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .action((opts: ServeOptions) => serve(opts, controllers));
}

clusterCommand('up', 'start an all-in-one cluster: API server on 127.0.0.1, store, controllers; writes a kubeconfig', true);
clusterCommand('server', 'start the API server only (registry, admission, store; no controllers); writes a kubeconfig', false);

program
  .command('migrate')
  .description('copy every object from one store to another (servers on the source stopped): sqlite:DIR <-> etcd://HOST:PORT')
  .requiredOption('--from <url>', 'source store URL (sqlite:DIR, etcd://HOST:PORT[,HOST:PORT...])')
  .requiredOption('--to <url>', 'target store URL; it must hold no objects yet')
  .option('--data-dir <dir>', 'data directory for "sqlite:" without a directory (default ~/.keelson/data)')
  .action(async (opts: { from: string; to: string; dataDir?: string }) => {
    await migrate({ from: opts.from, to: opts.to, dataDir: opts.dataDir, out: (line) => process.stderr.write(line + '\n') });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`keelson: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
