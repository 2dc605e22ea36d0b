/**
 * A cluster of two processes: `keelson server` (API server and store, no controllers) and
 * `keelson controllers --server URL` (the plugins' controllers and the scheduler over HTTP, no
 * store). Real kubectl talks to the first; the second acts on what it creates: ReplicaSet pods,
 * garbage collection, namespace deletion, scheduling (pods/binding).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@keelson/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'packages', 'cli', 'src', 'bin.ts');
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-procs-'));
const kubeconfig = join(dir, 'kubeconfig');

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `keelson ...` from source (tsx, the "source" export condition), as its own process. */
function keelson(...args: string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: kubeconfig } });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function stop(p: Proc | undefined): Promise<number | null | undefined> {
  if (!p || p.child.exitCode !== null || p.child.pid === undefined) return p?.child.exitCode;
  process.kill(p.child.pid, 'SIGTERM');
  const timer = setTimeout(() => p.child.pid !== undefined && p.child.exitCode === null && process.kill(p.child.pid, 'SIGKILL'), 10_000);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 40_000 });
  return stdout;
}

let server: Proc | undefined;
let controllers: Proc | undefined;
let url = '';

beforeAll(async () => {
  // Both processes load the default plugin list: the server serves every kind, the other runs every controller and the scheduler.
  server = keelson('server', '--store', 'memory', '--port', '0', '--kubeconfig', kubeconfig, '--log-level', 'warn');
  url = await eventually(() => /keelson API server is up at (http:\/\/127\.0\.0\.1:\d+)/.exec(server!.output())?.[1], 30_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${server!.output()}`);
  });
  controllers = keelson('controllers', '--server', url, '--log-level', 'warn');
  await eventually(() => /keelson controllers are running/.test(controllers!.output()), 30_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${controllers!.output()}`);
  });
}, 60_000);

afterAll(async () => {
  await stop(controllers);
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('keelson server + keelson controllers in separate processes', () => {
  it('the controllers process names the API server and its controllers; the server runs none', () => {
    expect(server!.output()).toMatch(/store memory \(no controllers run in this process\)/);
    expect(controllers!.output()).toContain(`keelson controllers are running against ${url}: `);
    const names = /running against http:\/\/127\.0\.0\.1:\d+: (.*)/.exec(controllers!.output())?.[1]?.split(', ');
    expect(names).toEqual(expect.arrayContaining(['namespace', 'replicaset', 'deployment']));
  });

  it('a ReplicaSet created with kubectl gets its pods from the controllers process', async () => {
    await kubectl('create', 'ns', 'demo');
    const file = join(dir, 'rs.yaml');
    writeFileSync(
      file,
      `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web, namespace: demo}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx:1.27}]}
`,
    );
    expect(await kubectl('apply', '-f', file)).toBe('replicaset.apps/web created\n');
    await eventually(async () => /^web +3 +3 +\d +\d+s$/m.test(await kubectl('get', 'rs', '-n', 'demo')), 20_000);
    const pods = (await kubectl('get', 'pods', '-n', 'demo', '-o', 'jsonpath={range .items[*]}{.metadata.ownerReferences[0].name}{"\\n"}{end}')).trim().split('\n');
    expect(pods).toEqual(['web', 'web', 'web']);
    await kubectl('scale', 'rs/web', '-n', 'demo', '--replicas=1');
    await eventually(async () => (await kubectl('get', 'pods', '-n', 'demo', '-o', 'name')).trim().split('\n').filter(Boolean).length === 1, 20_000);
  });

  it('the garbage collector (in the other process) deletes the pods of a deleted ReplicaSet', async () => {
    await kubectl('scale', 'rs/web', '-n', 'demo', '--replicas=2');
    await eventually(async () => (await kubectl('get', 'pods', '-n', 'demo', '-o', 'name')).trim().split('\n').filter(Boolean).length === 2, 20_000);
    expect(await kubectl('delete', 'rs', 'web', '-n', 'demo')).toBe('replicaset.apps "web" deleted\n');
    await eventually(async () => (await kubectl('get', 'pods', '-n', 'demo', '-o', 'name')).trim() === '', 20_000);
  });

  it('namespace deletion finishes: the namespace controller (in the other process) empties it', async () => {
    expect(await kubectl('delete', 'ns', 'demo', '--timeout=30s')).toBe('namespace "demo" deleted\n');
    await expect(kubectl('get', 'ns', 'demo')).rejects.toThrow(/namespaces "demo" not found/);
  });

  it('the scheduler (in the other process) binds a pod to a Node through pods/binding', async () => {
    const file = join(dir, 'node.yaml');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {kubernetes.io/hostname: node-1}}
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
  allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
  conditions: [{type: Ready, status: "True"}]
`,
    );
    await kubectl('create', '-f', file);
    // The controllers process also runs the default simulated nodes (node1..3): pin the pod to the hand-written Node.
    await kubectl('run', 'solo', '--image=nginx:1.27', '-n', 'default', '--overrides={"spec":{"nodeSelector":{"kubernetes.io/hostname":"node-1"}}}');
    await eventually(async () => (await kubectl('get', 'pod', 'solo', '-n', 'default', '-o', 'jsonpath={.spec.nodeName}')) === 'node-1', 20_000);
    const events = await kubectl('get', 'events', '-n', 'default', '--field-selector', 'involvedObject.name=solo,reason=Scheduled', '-o', 'jsonpath={.items[*].message}');
    expect(events).toBe('Successfully assigned default/solo to node-1');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await stop(controllers)).toBe(0);
    expect(controllers!.output()).toContain('SIGTERM: stopping...');
  });
});
