import type { Lease, Node, Pod } from '@keelson/api';
import runtimeSim from '@keelson/plugin-runtime-sim';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import kubeletPlugin, { runningAgents } from './index.js';

const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;
const NodeRef = { apiVersion: 'v1', kind: 'Node' } as const;
const LeaseRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

describe('kubelet plugin', () => {
  let cluster: TestCluster;
  afterEach(() => cluster?.stop());

  async function start(options: Record<string, unknown> = {}): Promise<TestCluster> {
    cluster = await startTestCluster({ plugins: [runtimeSim, kubeletPlugin], pluginOptions: { kubelet: options } });
    return cluster;
  }

  it('registers node1..nodeN Ready, with addresses, pod CIDRs and leases', async () => {
    await start({ nodes: 2 });
    const nodes = await cluster.eventually(async () => {
      const list = (await cluster.client.list<Node>(NodeRef)).items;
      return list.length === 2 && list.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ? list : undefined;
    });
    const byName = new Map(nodes!.map((n) => [n.metadata.name, n]));
    expect([...byName.keys()].sort()).toEqual(['node1', 'node2']);
    const n1 = byName.get('node1')!;
    expect(n1.spec?.podCIDR).toBe('127.244.1.0/24');
    expect(n1.status?.addresses).toEqual([
      { type: 'InternalIP', address: '127.1.0.1' },
      { type: 'Hostname', address: 'node1' },
    ]);
    expect(n1.metadata.labels?.['kubernetes.io/hostname']).toBe('node1');
    expect(n1.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^keelson-sim:\/\//);
    expect(byName.get('node2')!.spec?.podCIDR).toBe('127.244.2.0/24');
    const lease = await cluster.eventually(() => cluster.client.get<Lease>(LeaseRef, 'node2', { namespace: 'kube-node-lease' }));
    expect(lease!.spec?.holderIdentity).toBe('node2');
    expect(runningAgents.size).toBe(2);
  });

  it('runs a pod bound to a node: Running and Ready with an IP from the node CIDR', async () => {
    await start({ nodes: 1 });
    await cluster.eventually(() => runningAgents.size === 1 && [...runningAgents][0]!.node);
    await cluster.client.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'node1', containers: [{ name: 'nginx', image: 'nginx' }] } });
    await cluster.eventually(async () => (await cluster.client.get<Pod>(PodRef, 'web', { namespace: 'default' })).status?.containerStatuses);
    await cluster.advance(150);
    const pod = await cluster.eventually(async () => {
      const p = await cluster.client.get<Pod>(PodRef, 'web', { namespace: 'default' });
      return p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
    });
    expect(pod!.status?.podIP).toMatch(/^127\.244\.1\.\d+$/);
    expect(pod!.status?.hostIP).toBe('127.1.0.1');
    expect(pod!.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
  });
});
