import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type ApiServer, createApiServer, writeKubeconfig } from '@keelson/apiserver';
import { createCluster, createLogger, RealClock, type Cluster, type LogLevel, type StoreBackend, type WatchCacheOptions } from '@keelson/core';
import { loadConfig } from './config.js';
import { importPlugin } from './plugin-resolver.js';
import { defaultDataDir, openStore } from './store-url.js';

export interface UpOptions {
  config?: string;
  /**
   * Store URL: "sqlite:" (the default: SQLite in the data directory), "sqlite:DIR", "memory".
   * Tests pass "memory" or a temporary "sqlite:DIR", never the default.
   */
  store?: string;
  /** Data directory of embedded stores (default ~/.keelson/data). */
  dataDir?: string;
  logLevel?: LogLevel;
  /** API server port on 127.0.0.1 (default 6443; 0 = ephemeral). */
  port?: number;
  host?: string;
  /** Where to write the kubeconfig (default ~/.keelson/kubeconfig). */
  kubeconfig?: string;
  /** Run the plugins' controllers and runnables (default true; `keelson server` sets false). */
  controllers?: boolean;
  /**
   * Simulated nodes to run in-process: sets the kubelet plugin's `nodes` option (over
   * keelson.yaml). Needs the kubelet plugin in the plugin list (it is in the defaults).
   */
  nodes?: number;
  /** Where progress lines go (stderr by default). */
  out?: (line: string) => void;
  /** The API server's watch cache: options, or false to serve LIST and WATCH from the store (default on). */
  watchCache?: WatchCacheOptions | false;
}

/**
 * Assembles and starts a cluster from the config's plugin list. Until the API server lands this
 * is the in-process cluster: store, registry, informers and every plugin's controllers.
 */
export interface RunningCluster {
  cluster: Cluster;
  api: ApiServer;
  url: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

/** Applies `--nodes` to the kubelet plugin's options. */
function withNodes(options: Record<string, Record<string, unknown>>, names: string[], nodes: number | undefined): Record<string, Record<string, unknown>> {
  if (nodes === undefined) return options;
  if (!names.includes('kubelet')) {
    if (nodes === 0) return options;
    throw new Error(`--nodes ${nodes}: the kubelet plugin is not in the plugin list`);
  }
  return { ...options, kubelet: { ...options.kubelet, nodes } };
}

export async function up(opts: UpOptions = {}): Promise<RunningCluster> {
  const out = opts.out ?? ((line: string) => process.stderr.write(line + '\n'));
  const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    out(`  ✓ ${label} (${Math.round(performance.now() - started)} ms)`);
    return result;
  };
  const configPath = opts.config ? resolve(opts.config) : undefined;
  const baseDir = configPath ? dirname(configPath) : process.cwd();
  const config = await step(`config ${configPath ?? '(defaults)'}`, () => loadConfig(configPath));
  const plugins = await step(`plugins ${config.plugins.map((p) => p.name).join(', ')}`, () =>
    Promise.all(config.plugins.map((p) => importPlugin(p.name, baseDir))),
  );
  const storeUrl = opts.store ?? config.store;
  const withControllers = opts.controllers ?? true;
  const clock = new RealClock();
  const log = createLogger({ level: opts.logLevel ?? 'info', name: 'keelson' });
  const backends = plugins.flatMap((p) => (p.storeBackends ?? []) as StoreBackend[]);
  const dataDir = resolve(opts.dataDir ?? defaultDataDir());
  const store = await step(`store ${storeUrl === 'sqlite:' ? `${storeUrl} (${dataDir})` : storeUrl}`, () => openStore(storeUrl, { clock, dataDir, backends, baseDir, log: log.child('store') }));
  let cluster: Cluster | undefined;
  let api: ApiServer | undefined;
  let url: string;
  let kubeconfig: string;
  try {
    cluster = await step('cluster assembled', () =>
      createCluster({
        plugins,
        store,
        clock,
        logger: log,
        watchCache: opts.watchCache,
        pluginOptions: withNodes(
          Object.fromEntries(config.plugins.flatMap((p, i) => (p.options ? [[plugins[i]!.name, p.options]] : []))),
          plugins.map((p) => p.name),
          opts.nodes,
        ),
      }),
    );
    if (withControllers) await step('controllers started', () => cluster!.start());
    api = createApiServer({ cluster });
    ({ url } = await step('API server listening', () => api!.listen(opts.port ?? 6443, opts.host ?? '127.0.0.1')));
    kubeconfig = resolve(opts.kubeconfig ?? join(homedir(), '.keelson', 'kubeconfig'));
    await step(`kubeconfig ${kubeconfig}`, () => writeKubeconfig(kubeconfig, url));
  } catch (err) {
    // Release what was started, the store above all (a SQLite store keeps its directory locked).
    await api?.close().catch(() => {});
    await cluster?.stop().catch(() => {});
    await store.close().catch(() => {});
    throw err;
  }
  out(
    withControllers
      ? `keelson is up at ${url}: ${cluster.kinds.list().length} kinds, ${cluster.controllerNames().length} controllers, store ${store.name}`
      : `keelson API server is up at ${url}: ${cluster.kinds.list().length} kinds, store ${store.name} (no controllers run in this process)`,
  );
  out(`export KUBECONFIG=${kubeconfig}`);
  return {
    cluster,
    api,
    url,
    kubeconfig,
    async stop() {
      await api.close();
      await cluster.stop();
      // The cluster closes only a store it created; this one was opened here.
      await store.close();
    },
  };
}


