export { up, type UpOptions, type RunningCluster } from './up.js';
export { parseConfig, loadConfig, defaultPlugins, ConfigError, type KeelsonConfig, type PluginEntry } from './config.js';
export { importPlugin, pluginSpecifier, PluginImportError } from './plugin-resolver.js';
export { openStore, StoreUrlError } from './store-url.js';
