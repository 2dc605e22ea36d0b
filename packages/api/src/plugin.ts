import type { KindDefinition } from './kind.js';

/**
 * A typed token for a service in the plugin container. Plugins provide services by token and
 * look them up by token; nobody touches the container library directly.
 */
export interface ServiceToken<T> {
  readonly id: symbol;
  readonly description: string;
  /** Phantom field carrying the service type; never set. */
  readonly __type?: T;
}

export function serviceToken<T>(description: string): ServiceToken<T> {
  return { id: Symbol.for(`keelson.service.${description}`), description };
}

/** What a plugin sees while it sets up: look up services, provide its own. */
export interface PluginContext {
  get<T>(token: ServiceToken<T>): T;
  getOptional<T>(token: ServiceToken<T>): T | undefined;
  /** Every contribution made to a point by every loaded plugin, in load order. */
  contributions<P extends keyof ContributionPoints>(point: P): readonly ContributionPoints[P][];
  /** Plugin-specific options from the cluster config (keelson.yaml `plugins[].options`). */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface ServiceProvider<T = unknown> {
  token: ServiceToken<T>;
  /** Called once, lazily, the first time the service is requested. */
  create(ctx: PluginContext): T;
}

/**
 * The contribution points. Each key is a point; its value type is what one contribution is.
 * Packages that own a point add it here by module augmentation, e.g. in @keelson/core:
 *
 *   declare module '@keelson/api' { interface ContributionPoints { controllers: ControllerDefinition } }
 *
 * so that `definePlugin({ controllers: [...] })` is type-checked wherever that package is imported.
 */
export interface ContributionPoints {
  kinds: KindDefinition<any>;
}

export type PluginContributions = {
  readonly [P in keyof ContributionPoints]?: readonly ContributionPoints[P][];
};

export interface PluginDefinition extends PluginContributions {
  /** Unique plugin name; equals the package suffix (`@keelson/plugin-<name>`). */
  readonly name: string;
  /** Plugins that must be loaded (and set up) before this one. */
  readonly dependsOn?: readonly string[];
  /** Services this plugin offers to others (and to itself). */
  readonly provides?: readonly ServiceProvider<any>[];
  /** Runs once, in dependency order, after every plugin's contributions are registered. */
  setup?(ctx: PluginContext): void | Promise<void>;
  /** Runs in reverse dependency order when the cluster stops. */
  dispose?(): void | Promise<void>;
}

export type Plugin = PluginDefinition;

/** Declare a plugin (identity function that checks the shape). */
export function definePlugin<const P extends PluginDefinition>(plugin: P): P {
  if (!plugin.name || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(plugin.name)) {
    throw new TypeError(`invalid plugin name ${JSON.stringify(plugin.name)}: use lower-case letters, digits and '-'`);
  }
  return plugin;
}
