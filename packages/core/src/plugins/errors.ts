/** Named errors of plugin loading; all thrown at load time. */
export class PluginLoadError extends Error {}

export class MissingDependencyError extends PluginLoadError {
  override readonly name = 'MissingDependencyError';
  constructor(
    readonly plugin: string,
    readonly dependency: string,
  ) {
    super(`plugin "${plugin}" depends on "${dependency}", which is not in the plugin list`);
  }
}

export class DependencyCycleError extends PluginLoadError {
  override readonly name = 'DependencyCycleError';
  constructor(readonly cycle: string[]) {
    super(`plugin dependency cycle: ${cycle.join(' -> ')}`);
  }
}

export class DuplicatePluginError extends PluginLoadError {
  override readonly name = 'DuplicatePluginError';
  constructor(readonly plugin: string) {
    super(`plugin "${plugin}" is listed twice`);
  }
}

export class InvalidPluginError extends PluginLoadError {
  override readonly name = 'InvalidPluginError';
}
