import type { ContributionPoints, PluginContext, PluginDefinition } from '@keelson/api';
import { DuplicateKindError } from '../registry/kind-registry.js';
import { PluginContainer } from './container.js';
import { DependencyCycleError, DuplicatePluginError, InvalidPluginError, MissingDependencyError } from './errors.js';

export interface LoadOptions {
  container?: PluginContainer;
  /** Options per plugin name (keelson.yaml `plugins[].options`). */
  options?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface LoadedPlugins {
  /** Plugin names in load (dependency) order. */
  readonly order: readonly string[];
  readonly container: PluginContainer;
  contributions<P extends keyof ContributionPoints>(point: P): readonly ContributionPoints[P][];
  /** Runs every plugin's setup in dependency order. */
  setupAll(): Promise<void>;
  /** Runs every plugin's dispose in reverse order (errors are collected, not stopping the others). */
  disposeAll(): Promise<void>;
}

const reserved = new Set(['name', 'dependsOn', 'provides', 'setup', 'dispose']);
const namePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Orders plugins by dependsOn (stable among independent ones); named errors for every mistake. */
export function sortPlugins(plugins: readonly PluginDefinition[]): PluginDefinition[] {
  const byName = new Map<string, PluginDefinition>();
  for (const p of plugins) {
    if (!p || typeof p.name !== 'string' || !namePattern.test(p.name)) {
      throw new InvalidPluginError(`invalid plugin name ${JSON.stringify(p?.name)}: use lower-case letters, digits and '-'`);
    }
    if (byName.has(p.name)) throw new DuplicatePluginError(p.name);
    byName.set(p.name, p);
  }
  for (const p of plugins) for (const d of p.dependsOn ?? []) if (!byName.has(d)) throw new MissingDependencyError(p.name, d);

  const out: PluginDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (p: PluginDefinition) => {
    const s = state.get(p.name);
    if (s === 'done') return;
    if (s === 'visiting') throw new DependencyCycleError([...path.slice(path.indexOf(p.name)), p.name]);
    state.set(p.name, 'visiting');
    path.push(p.name);
    for (const d of p.dependsOn ?? []) visit(byName.get(d)!);
    path.pop();
    state.set(p.name, 'done');
    out.push(p);
  };
  for (const p of plugins) visit(p);
  return out;
}

/**
 * Loads a cluster's plugins: validates and orders them, registers their contributions and the
 * services they provide. Setup runs later (setupAll), once the core services are in place.
 */
export function loadPlugins(plugins: readonly PluginDefinition[], opts: LoadOptions = {}): LoadedPlugins {
  const ordered = sortPlugins(plugins);
  const container = opts.container ?? new PluginContainer();
  const contexts = new Map<string, PluginContext>();
  const kinds = new Map<string, string>();

  for (const plugin of ordered) {
    const ctx: PluginContext = {
      get: (token) => container.get(token),
      getOptional: (token) => container.getOptional(token),
      contributions: (point) => container.contributions(point),
      options: Object.freeze({ ...(opts.options?.[plugin.name] ?? {}) }),
    };
    contexts.set(plugin.name, ctx);
    for (const [point, items] of Object.entries(plugin)) {
      if (reserved.has(point) || !Array.isArray(items)) continue;
      for (const item of items) {
        if (point === 'kinds') {
          const k = item as { group: string; version: string; kind: string; plural: string };
          for (const id of [`${k.group}/${k.version}, Kind=${k.kind}`, `${k.plural}.${k.group}/${k.version}`]) {
            const owner = kinds.get(id);
            if (owner) throw new DuplicateKindError(`${id} (plugins "${owner}" and "${plugin.name}")`);
            kinds.set(id, plugin.name);
          }
        }
        container.addContribution(point as keyof ContributionPoints, item as never);
      }
    }
    for (const provider of plugin.provides ?? []) container.provide(provider.token, provider, ctx);
  }

  return {
    order: ordered.map((p) => p.name),
    container,
    contributions: (point) => container.contributions(point),
    async setupAll() {
      for (const p of ordered) await p.setup?.(contexts.get(p.name)!);
    },
    async disposeAll() {
      const errors: unknown[] = [];
      for (const p of [...ordered].reverse()) {
        try {
          await p.dispose?.();
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length) throw new AggregateError(errors, `${errors.length} plugin(s) failed to dispose`);
    },
  };
}
