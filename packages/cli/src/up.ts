import { dirname, resolve } from 'node:path';
import { createCluster, createLogger, type Cluster, type LogLevel } from '@keelson/core';
import { loadConfig } from './config.js';
import { importPlugin } from './plugin-resolver.js';
import { openStore } from './store-url.js';

export interface UpOptions {
  config?: string;
  store?: string;
  logLevel?: LogLevel;
  /** Where progress lines go (stderr by default). */
  out?: (line: string) => void;
}

/**
 * Assembles and starts a cluster from the config's plugin list. Until the API server lands this
 * is the in-process cluster: store, registry, informers and every plugin's controllers.
 */
export async function up(opts: UpOptions = {}): Promise<Cluster> {
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
  const store = await step(`store ${storeUrl}`, () => openStore(storeUrl));
  const cluster = await step('cluster assembled', () =>
    createCluster({
      plugins,
      store,
      logger: createLogger({ level: opts.logLevel ?? 'info', name: 'keelson' }),
      pluginOptions: Object.fromEntries(config.plugins.filter((p) => p.options).map((p, i) => [plugins[i]!.name, p.options!])),
    }),
  );
  await step('controllers started', () => cluster.start());
  out(`keelson is up: ${cluster.kinds.list().length} kinds, ${cluster.controllerNames().length} controllers, store ${store.name}`);
  return cluster;
}


