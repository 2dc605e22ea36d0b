#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { migrate } from './migrate.js';
import { runAgent } from './agent.js';
import { runControllers } from './controllers.js';
import { up } from './up.js';
import { applyHeapGrowth, DEFAULT_HEAP_GROWTH_PERCENT, parseHeapGrowth } from './heap.js';

const program = new Command('keelson').description('Keelson: a Kubernetes control plane assembled from plugins').version('0.1.0');

type LogLevel = 'debug' | 'info' | 'warn' | 'error';
type ServeOptions = { config?: string; store?: string; dataDir?: string; logLevel: LogLevel; port: number; kubeconfig?: string; nodes?: number };
type RemoteFlags = { server?: string; kubeconfig?: string; context?: string; token?: string; insecureSkipTlsVerify?: boolean; logLevel: LogLevel; heapGrowth?: number };

function parseNodes(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number >= 0');
  return n;
}

const heapGrowthHelp = `V8 old-generation growth past the live heap at each full GC, in percent, as Go's GOGC (default ${DEFAULT_HEAP_GROWTH_PERCENT}; 0 = V8's own factor, up to 300)`;

/** Starts something long-running and stops it cleanly on SIGINT/SIGTERM. */
async function keepRunning(opts: { heapGrowth?: number }, start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  applyHeapGrowth(opts.heapGrowth);
  const running = await start();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping...\n`);
    await running.stop();
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
    .option('--store <url>', 'store URL: sqlite: (default, in the data dir), sqlite:DIR, etcd://HOST:PORT[,...], memory', undefined)
    .option('--data-dir <dir>', 'data directory of the embedded SQLite store (default ~/.keelson/data)')
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .option('--heap-growth <percent>', heapGrowthHelp, parseHeapGrowth);
  if (controllers) cmd.option('--nodes <n>', 'simulated nodes to run in-process (the kubelet plugin\'s "nodes" option; default 3)', (v) => parseNodes(v));
  cmd.action(({ heapGrowth, ...opts }: ServeOptions & { heapGrowth?: number }) => keepRunning({ heapGrowth }, () => up({ ...opts, controllers })));
}

/** The flags of processes that reach an API server over HTTP. */
function remoteCommand(name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--server <url>', 'API server URL, e.g. http://127.0.0.1:6443 (wins over the kubeconfig\'s server)')
    .option('--kubeconfig <file>', 'kubeconfig to connect with (default $KUBECONFIG, else ~/.kube/config, when --server is not given)')
    .option('--context <name>', 'kubeconfig context (default: its current-context)')
    .option('--token <token>', 'bearer token')
    .option('--insecure-skip-tls-verify', 'do not verify the API server\'s certificate')
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .option('--heap-growth <percent>', heapGrowthHelp, parseHeapGrowth);
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
remoteCommand('controllers', 'run the plugins\' controllers and runnables in their own process, against an API server (no store, no API server here)')
  .option('-c, --config <file>', 'keelson.yaml listing the plugins (its store is not used)')
  .option('--leader-elect', 'run leader-only controllers only while holding the Lease kube-system/keelson-controllers')
  .action((opts: RemoteFlags & { config?: string; leaderElect?: boolean }) => keepRunning(opts, () => runControllers(opts)));

remoteCommand('agent', 'run a node agent (@keelson/kubelet) for one Node, against an API server')
  .requiredOption('--name <node>', 'the Node name this agent registers and runs pods for')
  .option('--runtime <name>', 'the node runtime to run pods with (the agent\'s default when omitted)')
  .action((opts: RemoteFlags & { name: string; runtime?: string }) => keepRunning(opts, () => runAgent(opts)));

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`keelson: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
