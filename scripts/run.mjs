#!/usr/bin/env node
// The two README commands go through here, so that each works on a fresh machine with only
// Node 20 and npm: it installs the workspace with a pinned pnpm (through npx, no global install),
// builds what is stale, then runs the cluster or the whole test suite.
//
//   node scripts/run.mjs up [keelson up flags...]   (npm start)
//   node scripts/run.mjs test [vitest args...]      (npm test)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const PNPM = 'pnpm@10.34.9';
const [command = 'up', ...rest] = process.argv.slice(2);

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function pnpm(...args) {
  return sh('npx', ['--yes', PNPM, ...args]);
}

function install() {
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  const status = pnpm('install', '--prefer-offline', '--reporter=append-only', ...frozen);
  if (status !== 0) process.exit(status);
}

/** Newest modification time under a folder (source files only). */
function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (!e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the workspace packages when any dist is missing or older than its sources. */
function buildIfStale() {
  const dirs = ['packages', 'plugins'].flatMap((d) => readdirSync(join(root, d)).map((n) => join(root, d, n)));
  const stale = dirs.some((d) => {
    const dist = join(d, 'dist', 'index.js');
    return !existsSync(dist) || statSync(dist).mtimeMs < Math.max(newest(join(d, 'src')), statSync(join(d, 'package.json')).mtimeMs);
  });
  if (!stale) return;
  console.error('keelson: building packages...');
  const status = pnpm('-r', '--filter', './packages/**', '--filter', './plugins/**', '--reporter=append-only', 'build');
  if (status !== 0) process.exit(status);
}

function runTests(args) {
  const typecheck = sh(join(root, 'node_modules', '.bin', 'tsc'), ['-b']);
  if (typecheck !== 0) {
    console.error('typecheck failed');
    console.log('0 passed, 1 failed');
    process.exit(typecheck);
  }
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  const report = join(root, 'bench-results', 'vitest-report.json');
  const status = sh(join(root, 'node_modules', '.bin', 'vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...args,
  ]);
  // One closing line in the plain form CI reads: "N passed, N failed".
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    // Failed tests, plus test files that failed to load (they have no test results of their own).
    const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
    const failed = r.numFailedTests + brokenFiles;
    console.log(`${r.numPassedTests} passed, ${failed} failed${r.numPendingTests ? `, ${r.numPendingTests} skipped` : ''}`);
  }
  process.exit(status);
}

install();
switch (command) {
  case 'test':
    runTests(rest);
    break;
  case 'up': {
    buildIfStale();
    process.exit(sh(process.execPath, [join(root, 'packages', 'cli', 'dist', 'bin.js'), 'up', ...rest]));
    break;
  }
  default:
    console.error(`usage: node scripts/run.mjs up|test [args...]`);
    process.exit(2);
}
