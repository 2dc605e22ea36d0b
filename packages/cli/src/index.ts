export { up, type UpOptions, type RunningCluster } from './up.js';
export { parseConfig, loadConfig, defaultPlugins, defaultStore, ConfigError, type KeelsonConfig, type PluginEntry } from './config.js';
export { importPlugin, pluginSpecifier, PluginImportError } from './plugin-resolver.js';
export { openStore, storeScheme, defaultDataDir, knownStorePlugins, StoreUrlError, type OpenStoreOptions } from './store-url.js';
export { migrate, MigrateError, type MigrateOptions, type MigrateResult } from './migrate.js';
export { runControllers, UnservedKindsError, type ControllersOptions, type RunningControllers } from './controllers.js';
export { runAgent, loadNodeAgent, nodeAgentPackage, type AgentOptions, type NodeAgentHandle, type NodeAgentModule, type NodeAgentOptions, NodeAgentUnavailableError } from './agent.js';
export { connect, waitForServer, RemoteOptionsError, type RemoteOptions } from './remote.js';
