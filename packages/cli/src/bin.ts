#!/usr/bin/env node
import { Command } from 'commander';
import { up } from './up.js';

const program = new Command('keelson').description('Keelson: a Kubernetes control plane assembled from plugins').version('0.1.0');

program
  .command('up')
  .description('start an all-in-one cluster: API server on 127.0.0.1, store, controllers; writes a kubeconfig')
  .option('-p, --port <port>', 'API server port (0 = any free port)', (v) => Number(v), 6443)
  .option('--kubeconfig <file>', 'where to write the kubeconfig (default ~/.keelson/kubeconfig)')
  .option('-c, --config <file>', 'keelson.yaml listing plugins and their options')
  .option('--store <url>', 'storage backend URL', undefined)
  .option('--log-level <level>', 'debug | info | warn | error', 'info')
  .action(async (opts: { config?: string; store?: string; logLevel: 'debug' | 'info' | 'warn' | 'error'; port: number; kubeconfig?: string }) => {
    const cluster = await up(opts);
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
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`keelson: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
