import { serviceToken } from '@keelson/api';
import type { PluginFactory } from './framework/interfaces.js';
import type { PluginRegistry, SchedulerPluginRegistration } from './framework/registry.js';

declare module '@keelson/core' {
  /** A scheduler plugin contributed by a keelson plugin: `definePlugin({ schedulerPlugins: [...] })`. */
  interface SchedulerPluginContribution {
    readonly factory: PluginFactory;
    readonly defaultArgs?: Record<string, unknown>;
  }
}

/** Declares a scheduler plugin registration (identity, for type checking). */
export function defineSchedulerPlugin(r: SchedulerPluginRegistration): SchedulerPluginRegistration {
  if (!r.name || typeof r.factory !== 'function') throw new TypeError('a scheduler plugin needs a name and a factory');
  return r;
}

/** The cluster's scheduler plugin registry (provided by @keelson/plugin-scheduler). */
export const SchedulerRegistryToken = serviceToken<PluginRegistry>('scheduler.registry');
