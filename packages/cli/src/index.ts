export { up, type UpOptions, type RunningCluster } from './up.js';
export { parseConfig, loadConfig, defaultPlugins, defaultStore, ConfigError, type KeelsonConfig, type PluginEntry } from './config.js';
export { importPlugin, pluginSpecifier, PluginImportError } from './plugin-resolver.js';
export { openStore, storeScheme, defaultDataDir, knownStorePlugins, StoreUrlError, type OpenStoreOptions } from './store-url.js';
export { migrate, MigrateError, type MigrateOptions, type MigrateResult } from './migrate.js';
