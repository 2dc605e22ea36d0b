/**
 * Real kubectl (v1.32) `logs` against `keelson up` on 127.0.0.1: pods/log served by the API server
 * from the in-process node agents over runtime-sim, with kube's options and errors.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@keelson/testing';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-logs-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 30_000 });
  return stdout;
}

/** stderr of a kubectl command that must fail. */
async function kubectlFails(...args: string[]): Promise<string> {
  try {
    await kubectl(...args);
  } catch (err) {
    return (err as { stderr: string }).stderr;
  }
  throw new Error(`kubectl ${args.join(' ')} succeeded`);
}

function apply(name: string, manifest: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, manifest);
  return kubectl('apply', '-f', file);
}

beforeAll(async () => {
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
  await kubectl('create', 'ns', 'lg');
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubectl logs', () => {
  it('a single-container pod, --tail, --timestamps, --limit-bytes, --since', async () => {
    await kubectl('run', 'web', '-n', 'lg', '--image=nginx', '--annotations=sim.keelson.dev/logs=hello\\nworld');
    await kubectl('wait', '-n', 'lg', '--for=condition=Ready', 'pod/web', '--timeout=20s');
    expect(await kubectl('logs', 'web', '-n', 'lg')).toBe('[sim] container web started (image nginx, attempt 0)\nhello\nworld\n');
    expect(await kubectl('logs', 'web', '-n', 'lg', '--tail', '1')).toBe('world\n');
    expect(await kubectl('logs', 'pod/web', '-n', 'lg', '--tail=2', '--timestamps')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z hello\n\S+Z world\n$/);
    expect(await kubectl('logs', 'web', '-n', 'lg', '--limit-bytes=8')).toBe('[sim] co');
    expect(await kubectl('logs', 'web', '-n', 'lg', '--since=1h', '--tail=1')).toBe('world\n');
  });

  it('-c on a two-container pod; without it, the multi-container error from the server', async () => {
    await apply(
      'two',
      `apiVersion: v1
kind: Pod
metadata:
  name: two
  namespace: lg
  annotations:
    sim.keelson.dev/logs.a: from a
    sim.keelson.dev/logs.b: from b
    sim.keelson.dev/exit-code.setup: "0"
spec:
  initContainers: [{name: setup, image: busybox}]
  containers: [{name: a, image: nginx}, {name: b, image: busybox}]
`,
    );
    await kubectl('wait', '-n', 'lg', '--for=condition=Ready', 'pod/two', '--timeout=20s');
    expect(await kubectl('logs', 'two', '-n', 'lg', '-c', 'b', '--tail=1')).toBe('from b\n');
    expect(await kubectl('logs', 'two', '-n', 'lg', '-c', 'a', '--tail=1')).toBe('from a\n');
    expect(await kubectl('logs', 'two', '-n', 'lg', '-c', 'setup')).toMatch(/container setup started/);
    // kubectl itself defaults to the first container; the server's own answer, as kube words it:
    expect(await kubectlFails('get', '--raw', '/api/v1/namespaces/lg/pods/two/log')).toMatch(
      'Error from server (BadRequest): a container name must be specified for pod two, choose one of: [a b] or one of the init containers: [setup]',
    );
    // kubectl checks -c, --tail and --limit-bytes itself: the server's answers through --raw.
    expect(await kubectlFails('get', '--raw', '/api/v1/namespaces/lg/pods/two/log?container=nope')).toMatch('Error from server (BadRequest): container nope is not valid for pod two');
    expect(await kubectlFails('logs', 'missing', '-n', 'lg')).toMatch('error: error from server (NotFound): pods "missing" not found in namespace "lg"');
    expect(await kubectlFails('get', '--raw', '/api/v1/namespaces/lg/pods/missing/log')).toMatch('Error from server (NotFound): pods "missing" not found');
    expect(await kubectlFails('get', '--raw', '/api/v1/namespaces/lg/pods/two/log?container=a&tailLines=-5&limitBytes=0')).toMatch(
      'The PodLogOptions "two" is invalid: \n* tailLines: Invalid value: -5: must be greater than or equal to 0\n* limitBytes: Invalid value: 0: must be greater than 0\n',
    );
    expect(await kubectlFails('get', '--raw', '/api/v1/namespaces/lg/pods/two/log?container=a&sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z')).toMatch(
      'PodLogOptions "two" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    );
  });

  it('--previous after a restart, and its error before any', async () => {
    await kubectl('run', 'crash', '-n', 'lg', '--image=busybox', '--annotations=sim.keelson.dev/crash-loop=300ms');
    await eventually(async () => {
      const o = await kubectl('get', 'pod', 'crash', '-n', 'lg', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}');
      return Number(o) >= 1 ? o : undefined;
    }, 15_000);
    const previous = await kubectl('logs', 'crash', '-n', 'lg', '--previous');
    expect(previous).toMatch(/^\[sim\] container crash started \(image busybox, attempt \d+\)\n/);
    expect(previous).toMatch(/\[sim\] container crash exited with code 1\n$/);
    await kubectl('run', 'fresh', '-n', 'lg', '--image=nginx');
    await kubectl('wait', '-n', 'lg', '--for=condition=Ready', 'pod/fresh', '--timeout=20s');
    expect(await kubectlFails('logs', 'fresh', '-n', 'lg', '--previous')).toMatch('Error from server (BadRequest): previous terminated container "fresh" in pod "fresh" not found');
  });

  it('a container still waiting: the kubelet reason', async () => {
    await kubectl('run', 'slow', '-n', 'lg', '--image=nginx', '--annotations=sim.keelson.dev/start-delay=1h');
    await eventually(async () => ((await kubectl('get', 'pod', 'slow', '-n', 'lg', '-o', 'jsonpath={.spec.nodeName}')) ? true : undefined), 10_000);
    expect(await kubectlFails('logs', 'slow', '-n', 'lg')).toMatch('Error from server (BadRequest): container "slow" in pod "slow" is waiting to start: ContainerCreating');
  });

  it('-f streams until the container exits, then returns', async () => {
    await kubectl('run', 'job', '-n', 'lg', '--image=busybox', '--restart=Never', '--annotations=sim.keelson.dev/exit-after=2s');
    await eventually(async () => ((await kubectl('get', 'pod', 'job', '-n', 'lg', '-o', 'jsonpath={.status.phase}')) === 'Running' ? true : undefined), 10_000);
    const started = Date.now();
    const out = await kubectl('logs', '-f', 'job', '-n', 'lg');
    expect(out).toBe('[sim] container job started (image busybox, attempt 0)\n[sim] container job exited with code 0\n');
    expect(Date.now() - started).toBeLessThan(10_000);
    // The log of a completed container is still there.
    expect(await kubectl('logs', 'job', '-n', 'lg', '--tail=1')).toBe('[sim] container job exited with code 0\n');
  });

  it('kubectl logs deploy/NAME picks a pod of the Deployment', async () => {
    await kubectl('create', 'deployment', 'api', '-n', 'lg', '--image=nginx', '--replicas=2');
    await kubectl('rollout', 'status', 'deployment/api', '-n', 'lg', '--timeout=30s');
    expect(await kubectl('logs', 'deploy/api', '-n', 'lg')).toMatch(/^\[sim\] container nginx started \(image nginx, attempt 0\)\n$/);
  });
});
