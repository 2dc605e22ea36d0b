/**
 * Every package is publishable: `npm pack` of a plugin (with the packages it depends on) must
 * install and load in an empty directory, with no workspace around it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'keelson-pack-'));
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });

describe('npm pack', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('plugin-core installs and loads in an empty directory', { timeout: 240_000 }, () => {
    const dirs = ['packages/api', 'packages/core', 'plugins/core'];
    const tarballs: string[] = [];
    for (const dir of dirs) {
      run('npx', ['--yes', 'pnpm@10.34.9', 'run', 'build'], join(root, dir));
      const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], join(root, dir));
      const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
      expect(info!.files.some((f) => f.path.endsWith('.test.ts') || f.path.startsWith('src/'))).toBe(false);
      tarballs.push(join(work, info!.filename));
    }
    const app = join(work, 'app');
    run('mkdir', ['-p', app], work);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', ...tarballs], app);
    writeFileSync(
      join(app, 'check.mjs'),
      `import plugin, { PodKind } from '@keelson/plugin-core';
       import { createCluster, MemoryStore } from '@keelson/core';
       const cluster = await createCluster({ plugins: [plugin], logger: undefined });
       await cluster.start();
       const ns = await cluster.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'packed' } });
       await cluster.stop();
       console.log(JSON.stringify({ name: plugin.name, pod: PodKind.plural, ns: ns.metadata.name, uid: typeof ns.metadata.uid }));`,
    );
    const out = run('node', ['check.mjs'], app);
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ name: 'core', pod: 'pods', ns: 'packed', uid: 'string' });
  });
});
