import { defineConfig, type Options } from 'tsup';

/**
 * The one build recipe every package shares: ESM, Node 20, declarations, one entry per
 * `exports` subpath. A package's tsup.config.ts is `export default preset()` (or
 * `preset({ entry: [...] })` when it has more than one entry point).
 */
export function preset(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: { compilerOptions: { composite: false, customConditions: [] } },
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    ...overrides,
  });
}
