/**
 * Real kubectl (v1.32) against `keelson up` on 127.0.0.1: ReplicaSets end to end. There is no
 * scheduler or node agent yet, so pods stay Pending (unbound): the checks are about counts.
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
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-rs-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 20_000 });
  return stdout;
}

const podNames = async () => (await kubectl('get', 'pods', '-n', 'rs', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean);

beforeAll(async () => {
  // No simulated nodes: these checks are about the API and the controllers, with pods left Pending.
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {}, nodes: 0 });
  await kubectl('create', 'ns', 'rs');
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ReplicaSets through kubectl', () => {
  it('lists replicasets and replicationcontrollers in api-resources', async () => {
    const resources = await kubectl('api-resources');
    expect(resources).toMatch(/^replicasets +rs +apps\/v1 +true +ReplicaSet$/m);
    expect(resources).toMatch(/^replicationcontrollers +rc +v1 +true +ReplicationController$/m);
  });

  it('creates, prints, scales, self-heals and deletes with its pods', async () => {
    const file = join(dir, 'rs.yaml');
    writeFileSync(
      file,
      `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: rp
spec:
  replicas: 3
  selector:
    matchExpressions:
    - {key: app, operator: In, values: [nginx-pod]}
  template:
    metadata:
      labels:
        app: nginx-pod
    spec:
      containers:
      - name: nginx
        image: nginx:1.17.9
`,
    );
    expect(await kubectl('create', '-f', file, '-n', 'rs')).toBe('replicaset.apps/rp created\n');
    await eventually(async () => /^rp +3 +3 +0 +\d+s$/m.test(await kubectl('get', 'rs', '-n', 'rs')), 10_000);
    expect(await kubectl('get', 'rs', '-n', 'rs')).toMatch(/^NAME +DESIRED +CURRENT +READY +AGE$/m);
    const wide = await kubectl('get', 'rs', '-n', 'rs', '-o', 'wide');
    expect(wide).toMatch(/^NAME +DESIRED +CURRENT +READY +AGE +CONTAINERS +IMAGES +SELECTOR$/m);
    expect(wide).toMatch(/^rp +3 +3 +0 +\d+s +nginx +nginx:1\.17\.9 +app in \(nginx-pod\)$/m);
    expect(await kubectl('get', 'pods', '-n', 'rs', '--show-labels')).toMatch(/^rp-[a-z0-9]{5} +0\/1 +Pending +0 +\d+s +app=nginx-pod$/m);
    expect(await kubectl('get', 'rs/rp', '-n', 'rs', '-o', 'jsonpath={.status.replicas} {.status.fullyLabeledReplicas} {.status.observedGeneration}')).toBe('3 3 1');

    // A deleted pod is replaced.
    const [victim] = await podNames();
    await kubectl('delete', `pod/${victim}`, '-n', 'rs', '--force', '--grace-period=0');
    await eventually(async () => {
      const names = await podNames();
      return names.length === 3 && !names.includes(victim!);
    }, 10_000);

    expect(await kubectl('scale', 'rs', 'rp', '--replicas=5', '-n', 'rs')).toBe('replicaset.apps/rp scaled\n');
    await eventually(async () => /^rp +5 +5 +0 /m.test(await kubectl('get', 'rs', '-n', 'rs')), 10_000);
    expect((await podNames()).length).toBe(5);
    expect(await kubectl('scale', 'rs', 'rp', '--replicas=2', '-n', 'rs')).toBe('replicaset.apps/rp scaled\n');
    await eventually(async () => (await podNames()).length === 2 && /^rp +2 +2 +0 /m.test(await kubectl('get', 'rs', '-n', 'rs')), 10_000);

    expect(await kubectl('delete', 'rs', 'rp', '-n', 'rs')).toBe('replicaset.apps "rp" deleted\n');
    await eventually(async () => (await kubectl('get', 'pods', '-n', 'rs')) === '', 10_000);
  });

  it('runs a ReplicationController with a defaulted selector', async () => {
    const file = join(dir, 'rc.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: legacy\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {app: legacy}\n    spec:\n      containers:\n      - {name: c, image: busybox}\n');
    expect(await kubectl('apply', '-f', file, '-n', 'rs')).toBe('replicationcontroller/legacy created\n');
    await eventually(async () => /^legacy +2 +2 +0 +\d+s$/m.test(await kubectl('get', 'rc', '-n', 'rs')), 10_000);
    expect(await kubectl('get', 'rc', 'legacy', '-n', 'rs', '-o', 'wide')).toMatch(/^legacy +2 +2 +0 +\d+s +c +busybox +app=legacy$/m);
    expect(await kubectl('scale', 'rc', 'legacy', '--replicas=1', '-n', 'rs')).toBe('replicationcontroller/legacy scaled\n');
    await eventually(async () => (await podNames()).length === 1, 10_000);
  });
});
