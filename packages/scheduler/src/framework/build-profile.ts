import { defaultPluginNames } from '../config/defaults.js';
import { mergePlugins } from '../config/merge.js';
import { type ExtensionPoint, extensionPoints, type KubeSchedulerProfile, type PluginRef } from '../config/types.js';
import type { Handle, Plugin } from './interfaces.js';
import { type PluginRegistry, PluginNotFoundError } from './registry.js';

/** The method that marks a plugin as implementing an extension point. */
export const pointMethods: Record<ExtensionPoint, string> = {
  preEnqueue: 'preEnqueue',
  queueSort: 'less',
  preFilter: 'preFilter',
  filter: 'filter',
  postFilter: 'postFilter',
  preScore: 'preScore',
  score: 'score',
  reserve: 'reserve',
  permit: 'permit',
  preBind: 'preBind',
  bind: 'bind',
  postBind: 'postBind',
};

export function implementsPoint(p: Plugin, point: ExtensionPoint): boolean {
  return typeof (p as unknown as Record<string, unknown>)[pointMethods[point]] === 'function';
}

export interface BuiltProfile {
  /** Every instantiated plugin by name. */
  plugins: Map<string, Plugin>;
  /** Plugins enabled at each point, in order. */
  points: Record<ExtensionPoint, Plugin[]>;
  /** Score weights by plugin name. */
  weights: Map<string, number>;
  /** Default plugins that were not installed (left out). */
  missingDefaults: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Profile args over default args (objects merged one level deep, as kube's defaulting mostly does). */
export function mergeArgs(defaults: Record<string, unknown> | undefined, args: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(defaults ?? {}) };
  for (const [k, v] of Object.entries(args ?? {})) out[k] = isPlainObject(v) && isPlainObject(out[k]) ? { ...(out[k] as object), ...v } : v;
  return out;
}

/**
 * Instantiates a profile's plugins and places them at their extension points, as kube's
 * frameworkImpl: multiPoint plugins go to every point they implement unless disabled there; a
 * plugin also listed at a point keeps that point's position and weight. Defaults that are not
 * installed are skipped; a plugin the configuration names explicitly must exist.
 */
export async function buildProfile(profile: KubeSchedulerProfile, registry: PluginRegistry, handle: Handle): Promise<BuiltProfile> {
  const merged = mergePlugins(profile.plugins);
  const explicit = new Set<string>();
  for (const set of Object.values(profile.plugins ?? {})) for (const p of set?.enabled ?? []) explicit.add(p.name);
  const argsByName = new Map((profile.pluginConfig ?? []).map((c) => [c.name, c.args]));
  const plugins = new Map<string, Plugin>();
  const missingDefaults: string[] = [];
  /** Config name (maybe a package) → plugin name. */
  const nameOf = new Map<string, string>();

  const instantiate = async (ref: PluginRef): Promise<Plugin | undefined> => {
    const known = nameOf.get(ref.name);
    if (known) return plugins.get(known);
    if (!registry.has(ref.name) && defaultPluginNames.has(ref.name) && !explicit.has(ref.name)) {
      missingDefaults.push(ref.name);
      return undefined;
    }
    const reg = await registry.resolve(ref.name);
    nameOf.set(ref.name, reg.name);
    const existing = plugins.get(reg.name);
    if (existing) return existing;
    const args = mergeArgs(reg.defaultArgs, (argsByName.get(ref.name) ?? argsByName.get(reg.name)) as Record<string, unknown> | undefined);
    const plugin = await reg.factory(args, handle);
    if (plugin.name !== reg.name) throw new Error(`scheduler plugin registered as "${reg.name}" calls itself "${plugin.name}"`);
    plugins.set(reg.name, plugin);
    return plugin;
  };

  const points = Object.fromEntries(extensionPoints.map((p) => [p, [] as Plugin[]])) as Record<ExtensionPoint, Plugin[]>;
  const weights = new Map<string, number>();
  const multi = merged.multiPoint?.enabled ?? [];
  for (const point of extensionPoints) {
    const set = merged[point] ?? {};
    const disabled = new Set((set.disabled ?? []).map((p) => p.name));
    const specific = set.enabled ?? [];
    const specificNames = new Set(specific.map((p) => p.name));
    const fromSpecific: Plugin[] = [];
    const overrides: Plugin[] = [];
    const multiNames = new Set(multi.map((m) => m.name));
    for (const ref of specific) {
      const p = await instantiate(ref);
      if (!p) continue;
      if (!implementsPoint(p, point)) throw new Error(`plugin "${ref.name}" does not extend ${point} plugin`);
      if (fromSpecific.includes(p)) throw new Error(`plugin "${ref.name}" already registered as "${point}"`);
      fromSpecific.push(p);
      if (multiNames.has(ref.name)) overrides.push(p);
      if (point === 'score') weights.set(p.name, ref.weight || 1);
    }
    const fromMulti: Plugin[] = [];
    for (const ref of multi) {
      if (disabled.has('*') || disabled.has(ref.name) || specificNames.has(ref.name)) continue;
      const p = await instantiate(ref);
      if (!p || !implementsPoint(p, point) || fromSpecific.includes(p) || fromMulti.includes(p)) continue;
      fromMulti.push(p);
      if (point === 'score' && !weights.has(p.name)) weights.set(p.name, ref.weight || 1);
    }
    // kube's order: specific plugins overriding multiPoint ones, then multiPoint, then the other specific ones.
    points[point] = [...overrides, ...fromMulti, ...fromSpecific.filter((p) => !overrides.includes(p))];
  }
  if (points.queueSort.length !== 1) throw new Error(`profile "${profile.schedulerName}": exactly one queue sort plugin is required, found ${points.queueSort.length}`);
  if (points.bind.length === 0) throw new PluginNotFoundError(`profile "${profile.schedulerName}": at least one bind plugin is needed (install @keelson/plugin-scheduler-default-binder)`);
  return { plugins, points, weights, missingDefaults };
}
