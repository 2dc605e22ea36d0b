/**
 * Real kubectl (v1.32) against `keelson up` on 127.0.0.1: cordon, uncordon and drain through the
 * policy/v1 Eviction subresource, and a PodDisruptionBudget that blocks a drain. There is no node
 * agent on this branch: the test writes the Nodes (with Ready status) and the pods' Running/Ready
 * status itself, as a node agent would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Node, Pod } from '@keelson/api';
import { rfc3339 } from '@keelson/core';
import { eventually } from '@keelson/testing';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-drain-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 30_000 });
  return stdout;
}

/** kubectl that is expected to fail: its exit code and both streams. */
async function kubectlFails(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 30_000 });
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
  throw new Error(`kubectl ${args.join(' ')} succeeded`);
}

async function createNode(name: string) {
  const client = cluster.cluster.client;
  const now = rfc3339(Date.now());
  const node = await client.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
  await client.updateStatus<Node>({ ...node, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] } });
}

/** A pod bound to the node, Running and Ready (what the node agent would report). */
async function runningPod(name: string, nodeName: string, labels: Record<string, string> = {}) {
  const client = cluster.cluster.client;
  const pod = await client.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'drain', labels }, spec: { nodeName, containers: [{ name: 'c', image: 'nginx:1.27' }] } });
  const now = rfc3339(Date.now());
  await client.updateStatus<Pod>({ ...pod, status: { ...pod.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } });
}

const podsOn = async (node: string) => (await kubectl('get', 'pods', '-n', 'drain', '--field-selector', `spec.nodeName=${node}`, '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean).sort();

beforeAll(async () => {
  cluster = await up({ port: 0, store: 'memory', nodes: 0, kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
  await kubectl('create', 'ns', 'drain');
  await createNode('node1');
  await createNode('node2');
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('cordon, drain and disruption budgets through kubectl', () => {
  it('serves pods/eviction and poddisruptionbudgets in discovery', async () => {
    expect(await kubectl('api-resources')).toMatch(/^poddisruptionbudgets +pdb +policy\/v1 +true +PodDisruptionBudget$/m);
    const v1 = JSON.parse(await kubectl('get', '--raw', '/api/v1')) as { resources: { name: string; kind: string; group?: string; version?: string; verbs: string[] }[] };
    expect(v1.resources.find((r) => r.name === 'pods/eviction')).toMatchObject({ kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
  });

  it('cordon sets SchedulingDisabled and the unschedulable taint; uncordon undoes both', async () => {
    expect(await kubectl('cordon', 'node1')).toBe('node/node1 cordoned\n');
    expect(await kubectl('get', 'nodes')).toMatch(/^node1 +Ready,SchedulingDisabled +<none> +\d+s +$/m);
    await eventually(async () => (await kubectl('get', 'node', 'node1', '-o', 'jsonpath={.spec.taints[*].key}')) === 'node.kubernetes.io/unschedulable', 10_000);
    expect(await kubectl('uncordon', 'node1')).toBe('node/node1 uncordoned\n');
    expect(await kubectl('get', 'nodes')).toMatch(/^node1 +Ready +<none> +\d+s +$/m);
    await eventually(async () => (await kubectl('get', 'node', 'node1', '-o', 'jsonpath={.spec.taints}')) === '', 10_000);
  });

  it('drain --force --ignore-daemonsets evicts every pod of the node through pods/eviction', async () => {
    await runningPod('a', 'node1');
    await runningPod('b', 'node1');
    await runningPod('c', 'node2');
    const out = await kubectl('drain', 'node1', '--force', '--ignore-daemonsets', '--grace-period=0', '--timeout=20s');
    expect(out).toMatch(/^node\/node1 cordoned$/m);
    expect(out).toMatch(/^evicting pod drain\/a$/m); // the Eviction API, not a plain delete
    expect(out).toMatch(/^pod\/a evicted$/m);
    expect(out).toMatch(/^pod\/b evicted$/m);
    expect(out).toMatch(/^node\/node1 drained$/m);
    expect(await podsOn('node1')).toEqual([]);
    expect(await podsOn('node2')).toEqual(['c']);
    // node1 stays cordoned.
    expect(await kubectl('get', 'nodes')).toMatch(/^node1 +Ready,SchedulingDisabled /m);
  });

  it('a PodDisruptionBudget with no disruption left blocks the drain (429, retried until --timeout)', async () => {
    await runningPod('web-1', 'node2', { app: 'web' });
    await runningPod('web-2', 'node2', { app: 'web' });
    expect(await kubectl('create', 'pdb', 'web', '-n', 'drain', '--selector=app=web', '--min-available=2')).toBe('poddisruptionbudget.policy/web created\n');
    await eventually(async () => /^web +2 +N\/A +0 +\d+s$/m.test(await kubectl('get', 'pdb', '-n', 'drain')), 10_000);
    expect(await kubectl('get', 'pdb', '-n', 'drain')).toMatch(/^NAME +MIN AVAILABLE +MAX UNAVAILABLE +ALLOWED DISRUPTIONS +AGE$/m);
    expect(await kubectl('get', 'pdb', 'web', '-n', 'drain', '-o', 'jsonpath={.status.currentHealthy}/{.status.desiredHealthy}/{.status.expectedPods}')).toBe('2/2/2');

    const res = await kubectlFails('drain', 'node2', '--force', '--ignore-daemonsets', '--grace-period=0', '--timeout=5s');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`error when evicting pods/"web-1" -n "drain" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    expect(res.stderr).toMatch(/global timeout reached: 5s/);
    // "c" has no budget and went; the budgeted pods stay.
    expect(await podsOn('node2')).toEqual(['web-1', 'web-2']);

    // Loosen the budget: one pod may go now, the other stays protected.
    await kubectl('patch', 'pdb', 'web', '-n', 'drain', '--type=merge', '-p', '{"spec":{"minAvailable":1}}');
    await eventually(async () => (await kubectl('get', 'pdb', 'web', '-n', 'drain', '-o', 'jsonpath={.status.disruptionsAllowed}')) === '1', 10_000);
    const blocked = await kubectlFails('drain', 'node2', '--force', '--ignore-daemonsets', '--grace-period=0', '--timeout=5s');
    expect(blocked.stderr).toContain('Cannot evict pod as it would violate the pod\'s disruption budget.');
    expect((await podsOn('node2')).length).toBe(1);
  });
});
