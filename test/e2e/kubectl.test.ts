/**
 * Real kubectl (v1.32, /usr/bin/kubectl) against a real keelson API server on 127.0.0.1 with an
 * ephemeral port: the subset of issue 3 built so far (discovery, CRUD, Tables, watch, apply, edit).
 */
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '@keelson/api';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 20_000 });
  return stdout;
}

async function kubectlFails(...args: string[]): Promise<string> {
  try {
    await kubectl(...args);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  throw new Error(`kubectl ${args.join(' ')} succeeded`);
}

beforeAll(async () => {
  // No simulated nodes: these checks are about the API and the controllers, with pods left Pending.
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {}, nodes: 0 });
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubectl against keelson', () => {
  it('reports server version 1.32 and lists the API resources', async () => {
    expect(await kubectl('version', '-o', 'json')).toMatch(/"minor": "32"/);
    const resources = await kubectl('api-resources');
    expect(resources).toMatch(/^pods +po +v1 +true +Pod$/m);
    expect(resources).toMatch(/^namespaces +ns +v1 +false +Namespace$/m);
    expect(resources).toMatch(/^leases +coordination.k8s.io\/v1 +true +Lease$/m);
  });

  it('creates a namespace (protobuf body) and gets namespaces as a table', async () => {
    expect(await kubectl('create', 'ns', 'e2e')).toBe('namespace/e2e created\n');
    // kubectl create serviceaccount also sends protobuf.
    expect(await kubectl('create', 'serviceaccount', 'robot', '-n', 'e2e')).toBe('serviceaccount/robot created\n');
    expect(await kubectl('get', 'sa', 'robot', '-n', 'e2e', '-o', 'jsonpath={.metadata.name}')).toBe('robot');
    const out = await kubectl('get', 'ns');
    expect(out).toMatch(/^NAME +STATUS +AGE$/m);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'e2e']) expect(out).toMatch(new RegExp(`^${ns} +Active +\\d+s$`, 'm'));
  });

  it('creates from a file, prints yaml, json, jsonpath, labels, -A, and NotFound errors', async () => {
    const file = join(dir, 'cm.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels: {app: web}\ndata:\n  color: blue\n');
    expect(await kubectl('create', '-f', file, '-n', 'e2e')).toBe('configmap/settings created\n');
    const yaml = await kubectl('get', 'cm', 'settings', '-n', 'e2e', '-o', 'yaml');
    expect(yaml).toMatch(/^kind: ConfigMap$/m);
    expect(yaml).toMatch(/^  uid: [0-9a-f-]{36}$/m);
    expect(JSON.parse(await kubectl('get', 'cm', 'settings', '-n', 'e2e', '-o', 'json')).data).toEqual({ color: 'blue' });
    expect(await kubectl('get', 'cm', '-n', 'e2e', '-o', 'jsonpath={.items[*].metadata.name}')).toBe('settings');
    expect(await kubectl('get', 'cm', '-n', 'e2e', '--show-labels')).toMatch(/^settings +1 +\d+s +app=web$/m);
    expect(await kubectl('get', 'cm', '-A')).toMatch(/^e2e +settings +1 +\d+s$/m);
    expect(await kubectl('get', 'cm', '-n', 'e2e', '-l', 'app=other')).toBe('');
    expect(await kubectlFails('get', 'pod', 'nosuchpod', '-n', 'e2e')).toMatch(/Error from server \(NotFound\): pods "nosuchpod" not found/);
  });

  it('labels, annotates, applies (created, unchanged, configured) and edits', async () => {
    expect(await kubectl('label', 'cm', 'settings', 'tier=edge', '-n', 'e2e')).toBe('configmap/settings labeled\n');
    expect(await kubectl('annotate', 'cm', 'settings', 'note=hi', '-n', 'e2e')).toBe('configmap/settings annotated\n');
    expect(await kubectl('get', 'cm', 'settings', '-n', 'e2e', '-o', 'jsonpath={.metadata.labels.tier} {.metadata.annotations.note}')).toBe('edge hi');
    const file = join(dir, 'applied.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n  b: "2"\n');
    expect(await kubectl('apply', '-f', file, '-n', 'e2e')).toBe('configmap/applied created\n');
    expect(await kubectl('apply', '-f', file, '-n', 'e2e')).toBe('configmap/applied unchanged\n');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  a: "1"\n  c: "3"\n');
    expect(await kubectl('apply', '-f', file, '-n', 'e2e')).toBe('configmap/applied configured\n');
    expect(JSON.parse(await kubectl('get', 'cm', 'applied', '-n', 'e2e', '-o', 'json')).data).toEqual({ a: '1', c: '3' });
    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i \'s/^  a: "1"$/  a: "edited"/\' "$1"\n');
    chmodSync(editor, 0o755);
    const { stdout } = await exec('kubectl', ['edit', 'cm', 'applied', '-n', 'e2e'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, EDITOR: editor }, timeout: 20_000 });
    expect(stdout).toBe('configmap/applied edited\n');
    expect(await kubectl('get', 'cm', 'applied', '-n', 'e2e', '-o', 'jsonpath={.data.a}')).toBe('edited');
  });

  it('applies server-side: field ownership, conflicts with other managers, --force-conflicts', async () => {
    const file = join(dir, 'ssa.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  labels: {app: web}\ndata:\n  a: "1"\n  b: "2"\n');
    expect(await kubectl('apply', '--server-side', '-f', file, '-n', 'e2e')).toBe('configmap/ssa serverside-applied\n');
    const rv = await kubectl('get', 'cm', 'ssa', '-n', 'e2e', '-o', 'jsonpath={.metadata.resourceVersion}');
    expect(await kubectl('apply', '--server-side', '-f', file, '-n', 'e2e')).toBe('configmap/ssa serverside-applied\n');
    expect(await kubectl('get', 'cm', 'ssa', '-n', 'e2e', '-o', 'jsonpath={.metadata.resourceVersion}')).toBe(rv);
    expect(await kubectl('patch', 'cm', 'ssa', '-n', 'e2e', '--type', 'merge', '-p', '{"data":{"a":"9"}}')).toBe('configmap/ssa patched\n');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "3"\n');
    const err = await kubectlFails('apply', '--server-side', '-f', file, '-n', 'e2e');
    expect(err).toContain('Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.a');
    expect(await kubectl('apply', '--server-side', '--force-conflicts', '-f', file, '-n', 'e2e')).toBe('configmap/ssa serverside-applied\n');
    const obj = JSON.parse(await kubectl('get', 'cm', 'ssa', '-n', 'e2e', '-o', 'json', '--show-managed-fields'));
    // b and the label were only the applier's: dropped from its configuration, they are gone.
    expect(obj.data).toEqual({ a: '3' });
    expect(obj.metadata.labels).toBeUndefined();
    expect(obj.metadata.managedFields).toEqual([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: expect.any(String), fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
    ]);
  });

  it('get -w delivers a change within a second', async () => {
    const watcher = spawn('kubectl', ['get', 'cm', 'settings', '-n', 'e2e', '-w', '--no-headers'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
    let out = '';
    watcher.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const deadline = Date.now() + 10_000;
      while (!out.includes('settings') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const before = out.split('\n').filter(Boolean).length;
      const changed = Date.now();
      await kubectl('label', 'cm', 'settings', 'watched=yes', '-n', 'e2e');
      while (out.split('\n').filter(Boolean).length <= before && Date.now() - changed < 1000) await new Promise((r) => setTimeout(r, 20));
      expect(out.split('\n').filter(Boolean).length).toBeGreaterThan(before);
      expect(Date.now() - changed).toBeLessThan(1000);
    } finally {
      watcher.kill();
    }
  });

  it('prints pods with kube-apiserver\'s columns, -o wide, and describe', async () => {
    expect(await kubectl('run', 'web', '--image=nginx:1.17.9', '-n', 'e2e')).toBe('pod/web created\n');
    expect(await kubectl('get', 'pods', '-n', 'e2e')).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE\nweb +0\/1 +Pending +0 +\d+s\n$/);
    expect(await kubectl('get', 'pods', '-n', 'e2e', '-o', 'wide')).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$/m);
    const described = await kubectl('describe', 'pod', 'web', '-n', 'e2e');
    expect(described).toMatch(/^Labels: +run=web$/m);
    expect(described).toMatch(/^QoS Class: +BestEffort$/m);
    // Events reach describe through involvedObject field selectors.
    const pod = await cluster.cluster.client.get<KubeObject>({ apiVersion: 'v1', kind: 'Pod' }, 'web', { namespace: 'e2e' });
    cluster.cluster.recorder.event(pod, 'Warning', 'FailedScheduling', '0/0 nodes are available: no nodes registered.');
    for (let i = 0; i < 100 && (await cluster.cluster.client.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'e2e' })).items.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await kubectl('describe', 'pod', 'web', '-n', 'e2e')).toMatch(/^ +Warning +FailedScheduling +\d+m?s +keelson +0\/0 nodes are available: no nodes registered\.$/m);
    expect(await kubectl('get', 'events', '-n', 'e2e', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={.items[0].reason}')).toBe('FailedScheduling');
    expect(await kubectl('get', 'pod', 'web', '-n', 'e2e', '-o', 'jsonpath={.status.phase} {.spec.containers[0].imagePullPolicy}')).toBe('Pending IfNotPresent');
  });

  it('delete ns waits for the namespace and its contents to go, and returns', async () => {
    await kubectl('create', 'ns', 'doomed');
    await kubectl('create', 'configmap', 'inside', '--from-literal=a=1', '-n', 'doomed');
    const started = Date.now();
    expect(await kubectl('delete', 'ns', 'doomed')).toBe('namespace "doomed" deleted\n');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await kubectlFails('get', 'ns', 'doomed')).toMatch(/NotFound/);
    expect(await kubectlFails('create', 'configmap', 'x', '-n', 'doomed')).toMatch(/namespaces "doomed" not found/);
    expect(await kubectlFails('delete', 'ns', 'default')).toMatch(/this namespace may not be deleted/);
  });

  it('deletes, and kubectl -v=6 shows no errors or fallbacks', async () => {
    expect(await kubectl('delete', 'cm', 'applied', '-n', 'e2e')).toBe('configmap "applied" deleted\n');
    expect(await kubectlFails('get', 'cm', 'applied', '-n', 'e2e')).toMatch(/NotFound/);
    const { stderr } = await exec('kubectl', ['get', 'cm', '-n', 'e2e', '-v=6'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
    expect(stderr).not.toMatch(/memcache|couldn't get|failed|error/i);
  });
});
