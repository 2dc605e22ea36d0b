import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Clock, type Logger, memoryStoreBackend, RealClock, type Store, type StoreBackend } from '@keelson/core';
import { importPlugin } from './plugin-resolver.js';

export class StoreUrlError extends Error {
  override readonly name = 'StoreUrlError';
}

/** The default data directory of embedded stores ("sqlite:" with no directory). */
export const defaultDataDir = (): string => join(homedir(), '.keelson', 'data');

/**
 * The plugin that provides a scheme when no loaded plugin contributes it, so that
 * `--store sqlite:DIR` works without listing the plugin in keelson.yaml.
 */
export const knownStorePlugins: Readonly<Record<string, string>> = {
  sqlite: 'store-sqlite',
  etcd: 'store-etcd',
};

export interface OpenStoreOptions {
  clock?: Clock;
  /** Where embedded stores keep their files when the URL names no directory (default ~/.keelson/data). */
  dataDir?: string;
  /** Backends contributed by the cluster's plugins (`storeBackends`); they win over built-in ones. */
  backends?: readonly StoreBackend[];
  /** Where plugin packages are looked up from (the config's folder). */
  baseDir?: string;
  log?: Logger;
}

/** The scheme of a store URL: "memory", "sqlite:DIR" → "sqlite", "etcd://host:2379" → "etcd". */
export function storeScheme(url: string): string {
  const i = url.indexOf(':');
  return i < 0 ? url : url.slice(0, i);
}

/** Opens the store named by a URL through the backend registered for its scheme. */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const scheme = storeScheme(url);
  const backend = await findBackend(scheme, opts);
  if (!backend) {
    const known = [...new Set([...(opts.backends ?? []).map((b) => b.scheme), memoryStoreBackend.scheme, ...Object.keys(knownStorePlugins)])];
    throw new StoreUrlError(`unsupported store "${url}": no backend for "${scheme}" (known: ${known.join(', ')})`);
  }
  return backend.open(url, { clock: opts.clock ?? new RealClock(), dataDir: opts.dataDir ?? defaultDataDir(), log: opts.log });
}

async function findBackend(scheme: string, opts: OpenStoreOptions): Promise<StoreBackend | undefined> {
  const contributed = opts.backends?.find((b) => b.scheme === scheme);
  if (contributed) return contributed;
  if (scheme === memoryStoreBackend.scheme) return memoryStoreBackend;
  const pluginName = knownStorePlugins[scheme];
  if (!pluginName) return undefined;
  let plugin;
  try {
    plugin = await importPlugin(pluginName, opts.baseDir ?? process.cwd());
  } catch (err) {
    throw new StoreUrlError(`the "${scheme}" store needs the plugin ${pluginName}: ${(err as Error).message}`, { cause: err });
  }
  return plugin.storeBackends?.find((b) => b.scheme === scheme);
}
