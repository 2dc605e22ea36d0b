import type { Event as KubeEvent, Node, Pod } from '@keelson/api';
import { rfc3339 } from '@keelson/core';
import { EventKind, NodeKind, PodKind } from '@keelson/plugin-core';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNode, getNode, renewLease, runningPod } from './fixtures.js';
import nodeLifecyclePlugin from './index.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');

describe('node lifecycle controller', () => {
  let c: TestCluster;
  beforeEach(async () => {
    c = await startTestCluster({ plugins: [nodeLifecyclePlugin] });
  });
  afterEach(() => c.stop());

  /** Moves the clock to T0 + ms in 2.5 s steps, renewing the leases of the nodes still alive. */
  async function runUntil(ms: number, alive: string[]) {
    while (c.clock.now() < T0 + ms) {
      for (const n of alive) await renewLease(c.client, n, c.clock.now());
      await c.advance(Math.min(2_500, T0 + ms - c.clock.now()));
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  const ready = async (name: string) => (await getNode(c.client, name)).status!.conditions!.find((x) => x.type === 'Ready')!;
  const taints = async (name: string) => ((await getNode(c.client, name)).spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();

  it('a node silent for the 40 s grace period goes Unknown at the next 5 s pass; its pods become not ready; then the unreachable taints', async () => {
    await createNode(c.client, 'lost', c.clock.now());
    await createNode(c.client, 'alive', c.clock.now());
    await runningPod(c.client, 'web', 'lost', c.clock.now());
    // Leases renewed until 17.5 s: the pass at 20 s sees the last renewal.
    await runUntil(20_000, ['lost', 'alive']);
    await runUntil(60_000, ['alive']);
    expect((await ready('lost')).status).toBe('True'); // 40 s after the last observation: not yet past the grace period
    await runUntil(65_000, ['alive']);
    const cond = await c.eventually(async () => ((await ready('lost')).status === 'Unknown' ? ready('lost') : undefined));
    expect(cond).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: rfc3339(T0 + 65_000) });
    const node = await getNode(c.client, 'lost');
    expect(node.status!.conditions!.find((x) => x.type === 'MemoryPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect((await ready('alive')).status).toBe('True');

    // MarkPodsNotReady, with a NodeNotReady event on the pod.
    const pod = await c.eventually(async () => {
      const p = await c.client.get<Pod>(PodKind, 'web', { namespace: 'default' });
      return p.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'False' ? p : undefined;
    });
    expect(pod!.status!.phase).toBe('Running');
    await c.recorder.flush();
    const events = (await c.client.list<KubeEvent>(EventKind, { namespace: 'default' })).items;
    expect(events.find((e) => e.reason === 'NodeNotReady' && e.involvedObject.kind === 'Pod')).toMatchObject({ type: 'Warning', message: 'Node is not ready', source: { component: 'node-controller' } });
    expect(events.find((e) => e.reason === 'NodeNotReady' && e.involvedObject.kind === 'Node')).toMatchObject({ type: 'Normal', message: 'Node lost status is now: NodeNotReady', source: { component: 'node-controller' } });

    // NoSchedule at once (condition taint), NoExecute from the next pass (rate-limited queue).
    await c.eventually(async () => (await taints('lost')).includes('node.kubernetes.io/unreachable:NoSchedule'));
    await runUntil(70_500, ['alive']);
    await c.eventually(async () => (await taints('lost')).includes('node.kubernetes.io/unreachable:NoExecute'));
    expect(await taints('alive')).toEqual([]);

    // The node comes back: Ready again → every controller taint goes.
    const back = await getNode(c.client, 'lost');
    const t = rfc3339(c.clock.now());
    await c.client.updateStatus<Node>({ ...back, status: { ...back.status, conditions: back.status!.conditions!.map((x) => ({ ...x, status: x.type === 'Ready' ? 'True' : 'False', lastHeartbeatTime: t, lastTransitionTime: t })) } });
    await runUntil(75_500, ['alive', 'lost']);
    await c.eventually(async () => (await taints('lost')).length === 0);
  });

  it('a node that never posted Ready gets NodeStatusNeverUpdated conditions after the 60 s startup grace period', async () => {
    await c.client.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'silent' } });
    await createNode(c.client, 'alive', c.clock.now());
    await runUntil(60_000, ['alive']);
    expect((await getNode(c.client, 'silent')).status?.conditions ?? []).toEqual([]);
    await runUntil(65_000, ['alive']);
    const cond = await c.eventually(async () => (await getNode(c.client, 'silent')).status?.conditions?.find((x) => x.type === 'Ready'));
    expect(cond).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
  });

  it('when every node of every zone is down, no NoExecute taint is placed (master disruption mode)', async () => {
    await createNode(c.client, 'only', c.clock.now());
    await runUntil(20_000, ['only']);
    await runUntil(80_000, []);
    await c.eventually(async () => (await ready('only')).status === 'Unknown');
    await c.eventually(async () => (await taints('only')).includes('node.kubernetes.io/unreachable:NoSchedule'));
    expect(await taints('only')).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
  });

  it('NoExecute tainting is rate limited per zone: 0.1 per second, burst 1', async () => {
    for (const n of ['a', 'b', 'c']) await createNode(c.client, n, c.clock.now());
    await runUntil(20_000, ['a', 'b', 'c']);
    await runUntil(70_000, ['c']);
    await c.eventually(async () => (await ready('a')).status === 'Unknown' && (await ready('b')).status === 'Unknown');
    await runUntil(70_500, ['c']);
    const first: string = await c.eventually(async () => {
      const [ta, tb] = [await taints('a'), await taints('b')];
      const has = (t: string[]) => t.includes('node.kubernetes.io/unreachable:NoExecute');
      return has(ta) !== has(tb) ? (has(ta) ? 'a' : 'b') : undefined;
    }) as string;
    const second = first === 'a' ? 'b' : 'a';
    await runUntil(75_000, ['c']);
    expect(await taints(second)).not.toContain('node.kubernetes.io/unreachable:NoExecute');
    await runUntil(81_000, ['c']);
    await c.eventually(async () => (await taints(second)).includes('node.kubernetes.io/unreachable:NoExecute'));
    const added = (await getNode(c.client, second)).spec!.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded!;
    const firstAdded = (await getNode(c.client, first)).spec!.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded!;
    expect(Date.parse(added) - Date.parse(firstAdded)).toBeGreaterThanOrEqual(10_000);
  });

  it('cordon / uncordon and node conditions drive the NoSchedule taints', async () => {
    await createNode(c.client, 'n1', c.clock.now());
    const node = await getNode(c.client, 'n1');
    await c.client.update<Node>({ ...node, spec: { ...node.spec, unschedulable: true } });
    await c.eventually(async () => (await taints('n1')).join() === 'node.kubernetes.io/unschedulable:NoSchedule');
    const tainted = (await getNode(c.client, 'n1')).spec!.taints![0]!;
    expect(tainted.timeAdded).toBe(rfc3339(c.clock.now()));
    const cordoned = await getNode(c.client, 'n1');
    await c.client.update<Node>({ ...cordoned, spec: { ...cordoned.spec, unschedulable: false } });
    await c.eventually(async () => (await taints('n1')).length === 0);

    const cur = await getNode(c.client, 'n1');
    const conditions = cur.status!.conditions!.map((x) => (x.type === 'MemoryPressure' ? { ...x, status: 'True' as const } : x));
    conditions.push({ type: 'DiskPressure', status: 'True' }, { type: 'PIDPressure', status: 'True' }, { type: 'NetworkUnavailable', status: 'True' });
    await c.client.updateStatus<Node>({ ...cur, status: { ...cur.status, conditions } });
    await c.eventually(async () => (await taints('n1')).length === 4);
    expect(await taints('n1')).toEqual([
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/network-unavailable:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
    ]);
    // Taints the controller does not own stay.
    const withOwn = await getNode(c.client, 'n1');
    await c.client.update<Node>({ ...withOwn, spec: { ...withOwn.spec, taints: [...withOwn.spec!.taints!, { key: 'example.com/dedicated', effect: 'NoSchedule' }] } });
    const healthy = await getNode(c.client, 'n1');
    await c.client.updateStatus<Node>({ ...healthy, status: { ...healthy.status, conditions: healthy.status!.conditions!.filter((x) => x.type === 'Ready') } });
    await c.eventually(async () => (await taints('n1')).join() === 'example.com/dedicated:NoSchedule');
    expect(NodeKind.kind).toBe('Node');
  });
});
