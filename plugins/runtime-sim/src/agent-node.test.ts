import type { Lease, Node } from '@keelson/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from './agent-harness.js';

const NodeRef = { apiVersion: 'v1', kind: 'Node' } as const;
const LeaseRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

describe('node agent + sim runtime: node, lease, admission', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  const node = () => h.cluster.client.get<Node>(NodeRef, 'node1');
  const lease = () => h.cluster.client.get<Lease>(LeaseRef, 'node1', { namespace: 'kube-node-lease' });

  it('renews its lease every 10 s, owned by the Node', async () => {
    h = await startAgentHarness();
    const first = await lease();
    expect(first.spec).toMatchObject({ holderIdentity: 'node1', leaseDurationSeconds: 40 });
    expect(first.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Node', name: 'node1' });
    const t0 = Date.parse(first.spec!.renewTime!);
    await h.advance(9_000, 1000);
    expect(Date.parse((await lease()).spec!.renewTime!)).toBe(t0);
    await h.advance(1_000, 1000);
    await h.cluster.eventually(async () => Date.parse((await lease()).spec!.renewTime!) === t0 + 10_000);
    await h.advance(30_000, 1000);
    await h.cluster.eventually(async () => Date.parse((await lease()).spec!.renewTime!) === t0 + 40_000);
  });

  it('writes node status on change, and otherwise every 5 minutes (heartbeat times)', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    const ready = (n: Node) => n.status!.conditions!.find((c) => c.type === 'Ready')!;
    const first = ready(await node());
    expect(first).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect((await node()).status?.conditions?.map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
    await h.advance(60_000, 1000);
    expect(ready(await node()).lastHeartbeatTime).toBe(first.lastHeartbeatTime);
    await h.advance(240_000, 5000);
    await h.cluster.eventually(async () => ready(await node()).lastHeartbeatTime !== first.lastHeartbeatTime);
    const later = ready(await node());
    expect(later.lastTransitionTime).toBe(first.lastTransitionTime);
  });

  it('reports capacity, allocatable, addresses and nodeInfo like a kubelet', async () => {
    h = await startAgentHarness({ capacity: { cpu: '2', memory: '4Gi' } });
    const n = await node();
    expect(n.status?.capacity).toEqual({ cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '100Gi' });
    expect(n.status?.allocatable).toEqual(n.status?.capacity);
    expect(n.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0', operatingSystem: 'linux', containerRuntimeVersion: 'keelson-sim://0.1.0' });
    expect(n.metadata.labels).toMatchObject({ 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'node1' });
  });

  it('rejects a pod that does not fit: phase Failed, reason OutOfcpu', async () => {
    h = await startAgentHarness({ capacity: { cpu: '1' } });
    await h.createPod('big', { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '2' } } }] });
    const p = await h.waitPod('big', (p) => p.status?.phase === 'Failed');
    expect(p.status).toMatchObject({ reason: 'OutOfcpu', message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 2000, used: 0, capacity: 1000" });
    // A rejected pod holds nothing: the next one fits.
    await h.createPod('small', { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '500m' } } }] });
    await h.advance(200);
    await h.waitPod('small', (p) => p.status?.phase === 'Running');
    expect((await h.events('big')).some((e) => e.reason === 'OutOfcpu' && e.type === 'Warning')).toBe(true);
  });

  it('rejects a pod whose node selector does not match (NodeAffinity)', async () => {
    h = await startAgentHarness();
    await h.createPod('sel', { nodeSelector: { disk: 'ssd' } });
    const p = await h.waitPod('sel', (p) => p.status?.phase === 'Failed');
    expect(p.status?.reason).toBe('NodeAffinity');
  });
});

describe('node agent + sim runtime: node changes made by others', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  it('admits by the node labels as they are now (labels added after registration)', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.cluster.client.patch({ apiVersion: 'v1', kind: 'Node' }, 'node1', 'merge', { metadata: { labels: { disk: 'ssd' } } });
    await h.cluster.eventually(() => h.agent.node?.metadata.labels?.disk === 'ssd');
    await h.createPod('sel', { nodeSelector: { disk: 'ssd' } });
    await h.waitPod('sel', (p) => p.status?.phase === 'Running');
  });
});
