import type { PluginFactory } from './interfaces.js';

/** A scheduler plugin as registered: its name, factory and default args (kube's Registry entry). */
export interface SchedulerPluginRegistration {
  readonly name: string;
  readonly factory: PluginFactory;
  /** pluginConfig args used when a profile gives none (merged under the profile's). */
  readonly defaultArgs?: Record<string, unknown>;
}

export class DuplicatePluginError extends Error {
  override readonly name = 'DuplicatePluginError';
}

export class PluginNotFoundError extends Error {
  override readonly name = 'PluginNotFoundError';
}

/** How the registry imports a plugin package named in a configuration (default: import()). */
export type PluginImporter = (specifier: string) => Promise<unknown>;

/** Names that are package specifiers rather than plugin names: "@scope/pkg", "pkg/sub", "./file.js". */
export function isPackageSpecifier(name: string): boolean {
  return name.startsWith('@') || name.startsWith('.') || name.startsWith('/') || name.startsWith('file:') || name.includes('/');
}

/** Registrations found in an imported module: a keelson plugin's schedulerPlugins, a registration, or a list of them. */
export function registrationsOf(mod: unknown): SchedulerPluginRegistration[] {
  const m = mod as { default?: unknown; schedulerPlugins?: unknown };
  const out: SchedulerPluginRegistration[] = [];
  const visit = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(visit);
    const o = v as { name?: unknown; factory?: unknown; schedulerPlugins?: unknown };
    if (typeof o.name === 'string' && typeof o.factory === 'function') out.push(o as SchedulerPluginRegistration);
    else if (Array.isArray(o.schedulerPlugins)) o.schedulerPlugins.forEach(visit);
  };
  visit(m.default);
  if (out.length === 0) visit(m.schedulerPlugins);
  return out;
}

/** Scheduler plugins by name; packages named in a configuration are imported on demand. */
export class PluginRegistry {
  private readonly entries = new Map<string, SchedulerPluginRegistration>();
  /** Package specifier → the plugin name it provides. */
  private readonly aliases = new Map<string, string>();

  constructor(
    registrations: Iterable<SchedulerPluginRegistration> = [],
    private readonly importer: PluginImporter = (s) => import(s),
  ) {
    for (const r of registrations) this.register(r);
  }

  register(r: SchedulerPluginRegistration): void {
    const existing = this.entries.get(r.name);
    if (existing && existing.factory !== r.factory) throw new DuplicatePluginError(`a scheduler plugin named "${r.name}" is already registered`);
    this.entries.set(r.name, r);
  }

  has(name: string): boolean {
    return this.entries.has(name) || this.aliases.has(name);
  }

  get(name: string): SchedulerPluginRegistration | undefined {
    return this.entries.get(this.aliases.get(name) ?? name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The plugin a configuration names: a registered name, or an npm package (or file) whose
   * scheduler plugins are imported and registered, so an installed package works without a rebuild.
   */
  async resolve(name: string): Promise<SchedulerPluginRegistration> {
    const found = this.get(name);
    if (found) return found;
    if (!isPackageSpecifier(name)) throw new PluginNotFoundError(`scheduler plugin "${name}" is not registered (registered: ${this.names().sort().join(', ') || 'none'})`);
    let mod: unknown;
    try {
      mod = await this.importer(name);
    } catch (err) {
      throw new PluginNotFoundError(`cannot load scheduler plugin package "${name}": ${(err as Error).message}`, { cause: err });
    }
    const regs = registrationsOf(mod);
    if (regs.length !== 1) {
      throw new PluginNotFoundError(`package "${name}" must provide exactly one scheduler plugin to be named by its package (found ${regs.length}: ${regs.map((r) => r.name).join(', ')})`);
    }
    this.register(regs[0]!);
    this.aliases.set(name, regs[0]!.name);
    return regs[0]!;
  }
}
