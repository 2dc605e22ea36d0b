import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginDefinition } from '@keelson/api';

/**
 * Turns a plugin entry into the module to import: "core" → "@keelson/plugin-core",
 * "@scope/pkg" or "pkg" with a dash-less scope as given, "./x.js" relative to the config's folder.
 * Plugins installed from npm load this way without rebuilding anything.
 */
export function pluginSpecifier(name: string, baseDir: string): string {
  if (name.startsWith('.') || isAbsolute(name)) return pathToFileURL(resolve(baseDir, name)).href;
  if (name.startsWith('@') || name.includes('/')) return name;
  return `@keelson/plugin-${name}`;
}

export class PluginImportError extends Error {
  override readonly name = 'PluginImportError';
}

export async function importPlugin(name: string, baseDir: string): Promise<PluginDefinition> {
  const spec = pluginSpecifier(name, baseDir);
  let mod: { default?: unknown };
  try {
    mod = (await import(resolveFrom(spec, baseDir))) as { default?: unknown };
  } catch (err) {
    throw new PluginImportError(`cannot load plugin "${name}" (${spec}): ${(err as Error).message}`, { cause: err });
  }
  const plugin = mod.default as PluginDefinition | undefined;
  if (!plugin || typeof plugin !== 'object' || typeof plugin.name !== 'string') {
    throw new PluginImportError(`plugin "${name}" (${spec}) has no default export created with definePlugin()`);
  }
  return plugin;
}

/**
 * A package name is looked up from the user's folder first (where `npm i @keelson/plugin-x` put
 * it), then from keelson's own install.
 */
function resolveFrom(spec: string, baseDir: string): string {
  if (spec.startsWith('file:')) return spec;
  try {
    return pathToFileURL(createRequire(join(baseDir, 'keelson.yaml')).resolve(spec)).href;
  } catch {
    return spec;
  }
}
