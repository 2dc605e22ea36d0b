/**
 * `keelson agent --server URL --name X`: a node agent in its own process, over HTTP, against a
 * `keelson server` process. The Node registers and goes Ready, a pod bound to it runs, and its
 * graceful deletion is finished by the agent, and `kubectl logs` reaches the agent over HTTP at the
 * endpoint its Node publishes — all seen through real kubectl.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@keelson/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from './cli-process.js';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'keelson-agent-'));
const kubeconfig = join(dir, 'kubeconfig');
let server: CliProcess | undefined;
let agent: ChildProcess | undefined;
let agentOut = '';

const kubectl = async (...args: string[]) => (await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 60_000 })).stdout;

beforeAll(async () => {
  server = await startCli('server', ['--store', 'memory'], kubeconfig);
  agent = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'packages/cli/src/bin.ts'), 'agent', '--server', server.url, '--name', 'edge7', '--log-level', 'warn'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent.stdout!.on('data', (d: Buffer) => (agentOut += d.toString()));
  agent.stderr!.on('data', (d: Buffer) => (agentOut += d.toString()));
}, 60_000);

afterAll(async () => {
  if (agent?.exitCode === null && agent.signalCode === null) {
    const exited = new Promise((r) => agent!.once('exit', r));
    process.kill(agent.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (agent.exitCode === null && agent.signalCode === null) process.kill(agent.pid!, 'SIGKILL');
  }
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('keelson agent in its own process', () => {
  it('registers its Node, which goes Ready with its address and pod CIDR', async () => {
    // `kubectl wait` fails at once on a Node that does not exist yet: first wait for the registration.
    for (let i = 0; i < 90 && !(await kubectl('get', 'nodes', '-o', 'name')).includes('node/edge7'); i++) await new Promise((r) => setTimeout(r, 500));
    await kubectl('wait', '--for=condition=Ready', 'node/edge7', '--timeout=45s').catch((err: Error) => {
      throw new Error(`${err.message}\nagent output:\n${agentOut}`);
    });
    const node = JSON.parse(await kubectl('get', 'node', 'edge7', '-o', 'json')) as { spec: { podCIDR: string }; status: { addresses: { type: string; address: string }[] } };
    expect(node.spec.podCIDR).toBe('127.244.7.0/24');
    expect(node.status.addresses).toContainEqual({ type: 'InternalIP', address: '127.1.0.7' });
    expect(await kubectl('get', 'lease', 'edge7', '-n', 'kube-node-lease', '-o', 'jsonpath={.spec.holderIdentity}')).toBe('edge7');
  }, 60_000);

  it('runs a pod bound to it and finishes its graceful deletion', async () => {
    await kubectl('run', 'web', '--image=nginx:1.27', '--overrides={"spec":{"nodeName":"edge7"}}');
    await kubectl('wait', '--for=condition=Ready', 'pod/web', '--timeout=45s');
    expect(await kubectl('get', 'pod', 'web', '-o', 'wide')).toMatch(/^web +1\/1 +Running +0 +\S+ +127\.244\.7\.\d+ +edge7 /m);
    // pods/log: the API server reaches the agent at the endpoint its Node publishes (127.1.0.7:<ephemeral>).
    const port = Number(await kubectl('get', 'node', 'edge7', '-o', 'jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}'));
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(10250);
    expect(await kubectl('logs', 'web')).toBe('[sim] container web started (image nginx:1.27, attempt 0)\n');
    expect(await kubectl('logs', 'web', '--tail=1', '--timestamps')).toMatch(/^\d{4}-\d\d-\d\dT\S+Z \[sim\] container web started/);
    const previous = await exec('kubectl', ['logs', 'web', '--previous'], { env: { ...process.env, KUBECONFIG: kubeconfig } }).catch((err: { stderr: string }) => err.stderr);
    expect(previous).toContain('Error from server (BadRequest): previous terminated container "web" in pod "web" not found');
    // -f over the proxy ends when the container stops (the deletion below). The deletion waits until
    // the stream is open (its first line is out): started together, either kubectl may win the race.
    const follow = spawn('kubectl', ['logs', '-f', 'web'], { env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    let followed = '';
    follow.stdout!.on('data', (d: Buffer) => (followed += d.toString()));
    const followClosed = new Promise<number | null>((r) => follow.once('close', r));
    await eventually(() => followed.includes('container web started'), 30_000);
    expect(await kubectl('delete', 'pod', 'web', '--timeout=45s')).toContain('pod "web" deleted');
    expect(await followClosed).toBe(0);
    expect(followed).toMatch(/container web got SIGTERM\n\[sim\] container web exited with code 0\n$/);
    expect(await kubectl('get', 'pods', '--no-headers')).toBe('');
  }, 120_000);
});
