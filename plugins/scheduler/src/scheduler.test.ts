import type { Event as KubeEvent, Node, Pod } from '@keelson/api';
import defaultBinder from '@keelson/plugin-scheduler-default-binder';
import nodeName from '@keelson/plugin-scheduler-node-name';
import fit from '@keelson/plugin-scheduler-node-resources-fit';
import nodeUnschedulable from '@keelson/plugin-scheduler-node-unschedulable';
import taintToleration from '@keelson/plugin-scheduler-taint-toleration';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import schedulerPlugin, { currentScheduler } from './index.js';

const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;
const NodeRef = { apiVersion: 'v1', kind: 'Node' } as const;
const EventRef = { apiVersion: 'v1', kind: 'Event' } as const;

/** A Ready node with allocatable (no kubelet exists yet: tests create nodes themselves). */
function node(name: string, opts: { cpu?: string; memory?: string; unschedulable?: boolean; taints?: Node['spec'] extends infer S ? S extends { taints?: infer T } ? T : never : never } = {}): Node {
  const allocatable = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: { unschedulable: opts.unschedulable, taints: opts.taints },
    status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function pod(name: string, cpu = '100m', extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu } } }], ...extra } };
}

const allSchedulerPlugins = [schedulerPlugin, defaultBinder, nodeName, fit, nodeUnschedulable, taintToleration];

async function start(options: Record<string, unknown> = {}): Promise<TestCluster> {
  return startTestCluster({ plugins: allSchedulerPlugins, pluginOptions: { scheduler: options } });
}

const getPod = (c: TestCluster, name: string) => c.client.get<Pod>(PodRef, name, { namespace: 'default' });

describe('scheduler in a cluster', () => {
  let cluster: TestCluster;
  afterEach(() => cluster?.stop());

  it('binds pods to nodes and records Scheduled events', async () => {
    cluster = await start();
    await cluster.client.create(node('node-1'));
    await cluster.client.create(node('node-2'));
    for (const n of ['a', 'b', 'c']) await cluster.client.create(pod(n));
    for (const n of ['a', 'b', 'c']) {
      const p = await cluster.eventually(async () => ((await getPod(cluster, n)).spec?.nodeName ? getPod(cluster, n) : undefined));
      expect(['node-1', 'node-2']).toContain(p!.spec?.nodeName);
      expect(p!.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    }
    const events = await cluster.eventually(async () => {
      const list = (await cluster.client.list<KubeEvent>(EventRef, { namespace: 'default' })).items.filter((e) => e.reason === 'Scheduled');
      return list.length === 3 ? list : undefined;
    });
    const a = events!.find((e) => e.involvedObject.name === 'a')!;
    expect(a.message).toMatch(/^Successfully assigned default\/a to node-[12]$/);
    expect(a.source?.component).toBe('default-scheduler');
  });

  it('spreads by LeastAllocated: the emptier node wins', async () => {
    cluster = await start();
    await cluster.client.create(node('small', { cpu: '1' }));
    await cluster.client.create(node('big', { cpu: '8' }));
    await cluster.client.create(pod('p', '500m'));
    const p = await cluster.eventually(async () => (await getPod(cluster, 'p')).spec?.nodeName);
    expect(p).toBe('big');
  });

  it("explains unschedulable pods with FailedScheduling and PodScheduled=False in kube's words, then schedules them when a node frees up", async () => {
    cluster = await start();
    await cluster.client.create(node('cordoned', { unschedulable: true }));
    await cluster.client.create(node('tainted', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }));
    await cluster.client.create(node('small', { cpu: '1' }));
    await cluster.client.create(pod('big', '2'));
    const want = '0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable.';
    const cond = await cluster.eventually(async () => (await getPod(cluster, 'big')).status?.conditions?.find((c) => c.type === 'PodScheduled'));
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable', message: want });
    const ev = await cluster.eventually(async () => (await cluster.client.list<KubeEvent>(EventRef, { namespace: 'default' })).items.find((e) => e.reason === 'FailedScheduling'));
    expect(ev).toMatchObject({ type: 'Warning', message: want, involvedObject: { kind: 'Pod', name: 'big' } });
    expect(currentScheduler!.queue.whereIs((await getPod(cluster, 'big')))).toBe('unschedulablePods');

    // A node update that adds cpu (allocatable) brings the pod back; it binds after its back-off.
    const small = await cluster.client.get<Node>(NodeRef, 'small');
    small.status!.allocatable = { ...small.status!.allocatable, cpu: '4' };
    await cluster.client.updateStatus(small);
    await cluster.eventually(() => currentScheduler!.queue.whereIs({ metadata: { name: 'big', namespace: 'default' } } as Pod) !== 'unschedulablePods');
    await cluster.advance(1000);
    const bound = await cluster.eventually(async () => (await getPod(cluster, 'big')).spec?.nodeName);
    expect(bound).toBe('small');
  });

  it('skips a cordoned node', async () => {
    cluster = await start();
    await cluster.client.create(node('cordoned', { unschedulable: true, cpu: '64' }));
    await cluster.client.create(node('open', { cpu: '1' }));
    for (const n of ['p1', 'p2', 'p3']) await cluster.client.create(pod(n));
    for (const n of ['p1', 'p2', 'p3']) expect(await cluster.eventually(async () => (await getPod(cluster, n)).spec?.nodeName)).toBe('open');
  });

  it('the next pod sees the previous placement at once (assume): no over-commit', async () => {
    cluster = await start();
    await cluster.client.create(node('n1', { cpu: '1' }));
    for (const n of ['x1', 'x2', 'x3']) await cluster.client.create(pod(n, '400m'));
    // Any two fit (same priority and enqueue time: no order); the third must not over-commit the node.
    const pods = await cluster.eventually(async () => {
      const items = (await cluster.client.list<Pod>(PodRef, { namespace: 'default' })).items;
      const failed = items.filter((p) => p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'));
      return items.filter((p) => p.spec?.nodeName).length === 2 && failed.length === 1 ? failed : undefined;
    });
    expect(pods![0]!.status?.conditions?.[0]?.message).toBe('0/1 nodes are available: 1 Insufficient cpu.');
  });

  it('leaves pods of another scheduler alone and serves several profiles', async () => {
    cluster = await start({
      config: `
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: default-scheduler
- schedulerName: bin-packer
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
`,
    });
    await cluster.client.create(node('small', { cpu: '1' }));
    await cluster.client.create(node('big', { cpu: '8' }));
    await cluster.client.create(pod('other', '100m', { schedulerName: 'someone-else' }));
    await cluster.client.create(pod('packed', '500m', { schedulerName: 'bin-packer' }));
    expect(await cluster.eventually(async () => (await getPod(cluster, 'packed')).spec?.nodeName)).toBe('small');
    expect((await getPod(cluster, 'other')).spec?.nodeName).toBeUndefined();
    expect(currentScheduler!.queue.whereIs(await getPod(cluster, 'other'))).toBeUndefined();
  });
});
