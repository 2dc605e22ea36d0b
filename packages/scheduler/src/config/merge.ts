import { defaultPlugins } from './defaults.js';
import { extensionPoints, type PluginRef, type Plugins, type PluginSet } from './types.js';

/**
 * kube's mergePluginSet: defaults minus the disabled ones (all with "*"), a default re-listed in
 * `enabled` replaced in place (keeping its position, taking the new weight), then the other
 * enabled plugins appended.
 */
export function mergePluginSet(defaults: PluginSet | undefined, custom: PluginSet | undefined): PluginSet {
  const disabled: PluginRef[] = [...(custom?.disabled ?? []), ...(defaults?.disabled ?? [])].map((p) => ({ name: p.name }));
  const disabledNames = new Set(disabled.map((p) => p.name));
  const customEnabled = custom?.enabled ?? [];
  const byName = new Map(customEnabled.map((p, i) => [p.name, { p, i }]));
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!disabledNames.has('*')) {
    for (const d of defaults?.enabled ?? []) {
      if (disabledNames.has(d.name)) continue;
      const c = byName.get(d.name);
      if (c) {
        replaced.add(c.i);
        enabled.push(c.p);
      } else enabled.push(d);
    }
  }
  customEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push(p);
  });
  return { enabled, disabled };
}

/** A profile's plugins merged over kube's defaults, for every extension point and multiPoint. */
export function mergePlugins(custom: Plugins | undefined, defaults: Plugins = defaultPlugins()): Plugins {
  const out: Plugins = {};
  for (const point of [...extensionPoints, 'multiPoint'] as const) out[point] = mergePluginSet(defaults[point], custom?.[point]);
  return out;
}
