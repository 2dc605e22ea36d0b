/**
 * The shared kubectl scenarios (test/scenarios/*.sh) against `keelson up` started by the real CLI
 * as a child process: default plugins, simulated nodes, memory store, an ephemeral port.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenarios = join(root, 'test', 'scenarios');
const dir = mkdtempSync(join(tmpdir(), 'keelson-scenarios-'));
const kubeconfig = join(dir, 'kubeconfig');
let child: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', join(root, 'packages', 'cli', 'src', 'bin.ts'), 'up', '--port', '0', '--store', 'memory', '--kubeconfig', kubeconfig, '--log-level', 'warn'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keelson up did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('export KUBECONFIG=')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.on('exit', (code) => reject(new Error(`keelson up exited with ${code}:\n${output}`)));
  });
  // The scenarios expect three Ready nodes (what `keelson up` starts by default).
  await exec('kubectl', ['wait', '--for=condition=Ready', 'node/node1', 'node/node2', 'node/node3', '--timeout=60s'], { env: { ...process.env, KUBECONFIG: kubeconfig } });
}, 120_000);

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('shared kubectl scenarios against keelson up', () => {
  for (const script of readdirSync(scenarios).filter((f) => /^\d+-.*\.sh$/.test(f)).sort()) {
    it(script, async () => {
      const result = await exec('bash', [join(scenarios, script)], { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 240_000, maxBuffer: 16 << 20 }).catch(
        (err: { stdout?: string; stderr?: string; message: string }) => ({ stdout: err.stdout ?? '', stderr: `${err.stderr ?? ''}\n${err.message}` }),
      );
      expect(result.stdout.trim().split('\n').pop(), `${script} failed:\n${result.stderr.slice(-4000)}`).toBe('PASS');
    }, 300_000);
  }
});
