/**
 * Real kubectl (v1.32) against `keelson up` on 127.0.0.1 with three simulated nodes (the kubelet
 * plugin over runtime-sim): nodes Ready, pods Running with IPs, graceful and forced deletion,
 * describe node, a ReplicaSet that becomes ready.
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
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-kubelet-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 30_000 });
  return stdout;
}

beforeAll(async () => {
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
  await kubectl('create', 'ns', 'kl');
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('simulated nodes through kubectl', () => {
  it('kubectl get nodes: node1..node3 Ready', async () => {
    const out = await eventually(async () => {
      const o = await kubectl('get', 'nodes');
      return (o.match(/ Ready /g) ?? []).length === 3 ? o : undefined;
    }, 10_000);
    expect(out).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION$/m);
    for (const n of ['node1', 'node2', 'node3']) expect(out).toMatch(new RegExp(`^${n} +Ready +<none> +\\S+ +v1\\.32\\.0$`, 'm'));
    const wide = await kubectl('get', 'nodes', '-o', 'wide');
    expect(wide).toMatch(/^node1 +Ready +<none> +\S+ +v1\.32\.0 +127\.1\.0\.1 +<none> +.+keelson-sim:\/\/0\.1\.0$/m);
  });

  it('kubectl run: Running 1/1, with an IP and a NODE in -o wide', async () => {
    await kubectl('run', 'web', '-n', 'kl', '--image=nginx');
    await kubectl('wait', '-n', 'kl', '--for=condition=Ready', 'pod/web', '--timeout=20s');
    const out = await kubectl('get', 'pod', 'web', '-n', 'kl', '-o', 'wide');
    expect(out).toMatch(/^web +1\/1 +Running +0 +\S+ +127\.244\.\d+\.\d+ +node[123] +<none> +<none>$/m);
  });

  it('kubectl delete pod: graceful (the node agent finishes it) and --force --grace-period=0', async () => {
    await kubectl('run', 'g1', '-n', 'kl', '--image=nginx');
    await kubectl('run', 'g2', '-n', 'kl', '--image=nginx');
    await kubectl('wait', '-n', 'kl', '--for=condition=Ready', 'pod/g1', 'pod/g2', '--timeout=20s');
    expect(await kubectl('delete', 'pod', 'g1', '-n', 'kl')).toBe('pod "g1" deleted\n');
    const { stdout, stderr } = await exec('kubectl', ['delete', 'pod', 'g2', '-n', 'kl', '--force', '--grace-period=0'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
    expect(stdout).toBe('pod "g2" force deleted\n');
    expect(stderr).toMatch(/Immediate deletion does not wait for confirmation/);
    const left = await kubectl('get', 'pods', '-n', 'kl', '-o', 'name');
    expect(left).not.toMatch(/g1|g2/);
  });

  it('kubectl shows what the simulated runtime was told: Completed, CrashLoopBackOff with restarts', async () => {
    await kubectl('run', 'job', '-n', 'kl', '--image=busybox', '--restart=Never', '--annotations=sim.keelson.dev/exit-after=1s');
    await kubectl('run', 'crash', '-n', 'kl', '--image=busybox', '--annotations=sim.keelson.dev/crash-loop=500ms');
    const job = await eventually(async () => {
      const o = await kubectl('get', 'pod', 'job', '-n', 'kl', '--no-headers');
      return /^job +0\/1 +Completed +0 /.test(o) ? o : undefined;
    }, 10_000);
    expect(job).toBeDefined();
    const crash = await eventually(async () => {
      const o = await kubectl('get', 'pod', 'crash', '-n', 'kl', '--no-headers');
      return /^crash +0\/1 +CrashLoopBackOff +1 \(\d+s ago\) /.test(o) ? o : undefined;
    }, 10_000);
    expect(crash).toBeDefined();
    await kubectl('delete', 'pod', 'job', 'crash', '-n', 'kl');
  });

  it('kubectl describe node: conditions, addresses, capacity, pods, lease', async () => {
    const pod = await kubectl('get', 'pod', 'web', '-n', 'kl', '-o', 'jsonpath={.spec.nodeName}');
    const out = await kubectl('describe', 'node', pod);
    expect(out).toMatch(/^Name: +node[123]$/m);
    expect(out).toMatch(/^ +HolderIdentity: +node[123]$/m);
    expect(out).toMatch(/^ +Ready +True .+KubeletReady +kubelet is posting ready status$/m);
    expect(out).toMatch(/^ +InternalIP: +127\.1\.0\.[123]$/m);
    expect(out).toMatch(/^PodCIDR: +127\.244\.[123]\.0\/24$/m);
    expect(out).toMatch(/^Non-terminated Pods: +\(1 in total\)$/m);
    expect(out).toMatch(/^ +kl +web +/m);
  });

  it('a ReplicaSet reaches 3/3/3 ready', async () => {
    const file = join(dir, 'rs.yaml');
    writeFileSync(
      file,
      `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web, namespace: kl}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.27}]
`,
    );
    await kubectl('apply', '-f', file);
    const out = await eventually(async () => {
      const o = await kubectl('get', 'rs', 'web', '-n', 'kl');
      return /^web +3 +3 +3 /m.test(o) ? o : undefined;
    }, 15_000);
    expect(out).toMatch(/^NAME +DESIRED +CURRENT +READY +AGE$/m);
    const pods = await kubectl('get', 'pods', '-n', 'kl', '-l', 'app=web', '--no-headers');
    expect(pods.trim().split('\n').filter((l) => /1\/1 +Running/.test(l))).toHaveLength(3);
  });
});
