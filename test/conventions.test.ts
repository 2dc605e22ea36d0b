/**
 * Checks the layout conventions every package follows (docs/architecture.md, "Packages"):
 * the four files of a package, a publishable package.json, folder == package suffix == plugin name,
 * @keelson/core as a peer dependency of plugins, and every package referenced from tsconfig.json.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const read = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8'));
const folders = (dir: string) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${dir}/${e.name}`);
const packages = [...folders('packages'), ...folders('plugins')];
const rootRefs = (read('tsconfig.json').references as { path: string }[]).map((r) => r.path);

describe.each(packages)('%s', (dir) => {
  const pkg = read(`${dir}/package.json`);

  it('has package.json, tsconfig.json, tsup.config.ts and src/index.ts', () => {
    for (const f of ['package.json', 'tsconfig.json', 'tsup.config.ts', 'src/index.ts']) {
      expect(existsSync(join(root, dir, f)), `${dir}/${f}`).toBe(true);
    }
  });

  it('is publishable: ESM, exports map with types, dist-only files, tsup build', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.private).not.toBe(true);
    expect(pkg.exports['.']).toMatchObject({ types: './dist/index.d.ts', import: './dist/index.js', source: './src/index.ts' });
    expect(pkg.files).toEqual(['dist']);
    expect(pkg.scripts.build).toBe('tsup');
    for (const deps of [pkg.dependencies ?? {}, pkg.peerDependencies ?? {}]) {
      for (const [name, range] of Object.entries(deps)) {
        expect(String(range), `${name} must use a semver range, so that npm pack works`).not.toMatch(/^workspace:/);
      }
    }
  });

  it('extends the shared tsconfig and is referenced from the root', () => {
    expect(read(`${dir}/tsconfig.json`).extends).toBe('../../tsconfig.base.json');
    expect(rootRefs).toContain(dir);
  });

  if (dir.startsWith('plugins/')) {
    const folder = dir.slice('plugins/'.length);
    it('folder == package suffix == plugin name, @keelson/core as peer', async () => {
      expect(pkg.name).toBe(`@keelson/plugin-${folder}`);
      expect(pkg.peerDependencies?.['@keelson/core']).toBeDefined();
      expect(pkg.dependencies?.['@keelson/core']).toBeUndefined();
      const plugin = (await import(/* @vite-ignore */ pathToFileURL(join(root, dir, 'src/index.ts')).href)).default;
      expect(plugin.name).toBe(folder);
    });
  } else {
    it('is named @keelson/<folder> (the CLI is "keelson")', () => {
      const folder = dir.slice('packages/'.length);
      expect(pkg.name).toBe(folder === 'cli' ? 'keelson' : `@keelson/${folder}`);
    });
  }
});

describe('hermetic tests', () => {
  /** `keelson up` defaults to SQLite under ~/.keelson: a test that forgets the store writes to the user's home. */
  it('every up(...) in test/ names its store', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'node_modules' ? [] : files(`${dir}/${e.name}`)) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []));
    const offenders = files('test').filter((f) => /\bup\(\{(?![^}]*\bstore\b)/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
