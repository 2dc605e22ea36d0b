import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** One entry of keelson.yaml `plugins:` — a name, a path, or {name, options}. */
export interface PluginEntry {
  /** "core" → @keelson/plugin-core; "@scope/pkg"; or a path "./my-plugin.js". */
  name: string;
  options?: Record<string, unknown>;
}

export interface KeelsonConfig {
  plugins: PluginEntry[];
  /** Store URL: "sqlite:" (default: SQLite in the data directory), "sqlite:DIR", "memory". */
  store: string;
}

/** The plugins of a full cluster, in the order a user would list them. */
export const defaultPlugins: readonly string[] = [
  'core',
  'namespace',
  'serviceaccount',
  'garbage-collector',
  'service',
  'replicaset',
  'deployment',
  'disruption',
  'node-lifecycle',
  'scheduler',
  'scheduler-node-name',
  'scheduler-node-unschedulable',
  'scheduler-taint-toleration',
  'scheduler-node-resources-fit',
  'scheduler-node-affinity',
  'scheduler-inter-pod-affinity',
  'scheduler-pod-topology-spread',
  'scheduler-node-ports',
  'scheduler-node-resources-balanced-allocation',
  'scheduler-image-locality',
  'scheduler-default-preemption',
  'scheduler-default-binder',
  'runtime-sim',
  'kubelet',
];

/** The store of `keelson up` when neither keelson.yaml nor --store names one. */
export const defaultStore = 'sqlite:';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses keelson.yaml text. Unknown top-level keys are errors (a typo must not be silently ignored). */
export function parseConfig(text: string, source = 'keelson.yaml'): KeelsonConfig {
  let raw: Record<string, unknown>;
  try {
    raw = (parse(text) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${source}: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${source}: expected a mapping at the top level`);
  for (const key of Object.keys(raw)) {
    if (!['plugins', 'store'].includes(key)) throw new ConfigError(`${source}: unknown key "${key}" (known: plugins, store)`);
  }
  const plugins = (raw.plugins ?? defaultPlugins) as unknown;
  if (!Array.isArray(plugins)) throw new ConfigError(`${source}: "plugins" must be a list`);
  const entries = plugins.map((p, i): PluginEntry => {
    if (typeof p === 'string') return { name: p };
    if (p && typeof p === 'object' && typeof (p as PluginEntry).name === 'string') {
      const { name, options } = p as PluginEntry;
      if (options !== undefined && (typeof options !== 'object' || Array.isArray(options))) {
        throw new ConfigError(`${source}: plugins[${i}].options must be a mapping`);
      }
      return { name, ...(options ? { options } : {}) };
    }
    throw new ConfigError(`${source}: plugins[${i}] must be a name or {name, options}`);
  });
  const store = raw.store ?? defaultStore;
  if (typeof store !== 'string') throw new ConfigError(`${source}: "store" must be a URL string`);
  return { plugins: entries, store };
}

export async function loadConfig(path: string | undefined): Promise<KeelsonConfig> {
  if (!path) return { plugins: defaultPlugins.map((name) => ({ name })), store: defaultStore };
  return parseConfig(await readFile(path, 'utf8'), path);
}
