import type { RuntimeFactory } from './runtime.js';

declare module '@keelson/core' {
  /** A node runtime contributed by a keelson plugin: `definePlugin({ runtimes: [...] })`. */
  interface RuntimeContribution {
    readonly factory: RuntimeFactory;
  }
}

export interface RuntimeRegistration {
  readonly name: string;
  readonly factory: RuntimeFactory;
}

/** Declares a node runtime (identity, for type checking). */
export function defineRuntime(r: RuntimeRegistration): RuntimeRegistration {
  if (!r.name || typeof r.factory !== 'function') throw new TypeError('a runtime needs a name and a factory');
  return r;
}
