import type { Event as KubeEvent, Node, Pod } from '@keelson/api';
import { EventKind, PodKind } from '@keelson/plugin-core';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNode, getNode, podExists, runningPod } from './fixtures.js';
import nodeLifecyclePlugin, { taintEvictionController } from './index.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { definePlugin, type Taint } from '@keelson/api';

// Only the taint manager and the admission (the lifecycle controller would manage taints itself).
const plugin = definePlugin({ name: 'taint-eviction-only', dependsOn: ['core'], admission: [defaultTolerationSeconds()], runnables: [taintEvictionController] });

describe('taint eviction controller', () => {
  let c: TestCluster;
  beforeEach(async () => {
    c = await startTestCluster({ plugins: [plugin] });
    await createNode(c.client, 'n1', c.clock.now());
  });
  afterEach(() => c.stop());

  async function setTaints(name: string, taints: Taint[]) {
    const node = await getNode(c.client, name);
    await c.client.update<Node>({ ...node, spec: { ...node.spec, taints } });
  }
  const exists = (name: string) => podExists(c.client, name);
  async function advance(ms: number) {
    await c.advance(ms);
    await new Promise((r) => setTimeout(r, 10));
  }
  const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };

  it('deletes untolerating pods at once and tolerating ones after their tolerationSeconds (default 300 s from admission)', async () => {
    await runningPod(c.client, 'short', 'n1', c.clock.now(), [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
    await runningPod(c.client, 'default', 'n1', c.clock.now());
    await runningPod(c.client, 'forever', 'n1', c.clock.now(), [{ operator: 'Exists' }]);
    await runningPod(c.client, 'other-node', 'n2', c.clock.now());
    await setTaints('n1', [unreachable, { key: 'example.com/evict', effect: 'NoExecute' }]);
    // Only "forever" tolerates example.com/evict: everything else goes at once.
    await c.eventually(async () => !(await exists('short')) && !(await exists('default')));
    expect(await exists('forever')).toBe(true);
    expect(await exists('other-node')).toBe(true);
    const gone = await c.client.get<Pod>(PodKind, 'short', { namespace: 'default' });
    expect(gone.status!.conditions!.find((x) => x.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
    // The controller's own recorder (component taint-eviction-controller, as kube's) writes them.
    await vi.waitFor(async () => {
      const events = (await c.client.list<KubeEvent>(EventKind, { namespace: 'default' })).items.filter((e) => e.reason === 'TaintManagerEviction');
      expect(events.map((e) => e.message).sort()).toEqual(['Marking for deletion Pod default/default', 'Marking for deletion Pod default/short']);
      expect(events.map((e) => e.source?.component)).toEqual(['taint-eviction-controller', 'taint-eviction-controller']);
    });
  });

  it('honours tolerationSeconds to the second, counted from when the taint was seen', async () => {
    await runningPod(c.client, 'short', 'n1', c.clock.now(), [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
    await runningPod(c.client, 'default', 'n1', c.clock.now());
    const got = await c.client.get<Pod>(PodKind, 'default', { namespace: 'default' });
    expect(got.spec!.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    await setTaints('n1', [unreachable]);
    await new Promise((r) => setTimeout(r, 20));
    await advance(59_999);
    expect(await exists('short')).toBe(true);
    await advance(1);
    await c.eventually(async () => !(await exists('short')));
    await advance(239_998);
    expect(await exists('default')).toBe(true);
    await advance(2);
    await c.eventually(async () => !(await exists('default')));
  });

  it('cancels the eviction when the taint goes away before the time is up', async () => {
    await runningPod(c.client, 'default', 'n1', c.clock.now());
    await setTaints('n1', [unreachable]);
    await new Promise((r) => setTimeout(r, 20));
    await advance(100_000);
    await setTaints('n1', []);
    await new Promise((r) => setTimeout(r, 20));
    await advance(600_000);
    expect(await exists('default')).toBe(true);
    await vi.waitFor(async () => {
      const events = (await c.client.list<KubeEvent>(EventKind, { namespace: 'default' })).items.filter((e) => e.reason === 'TaintManagerEviction');
      expect(events.map((e) => e.message)).toEqual(['Cancelling deletion of Pod default/default']);
    });
  });

  it('a pod bound to an already tainted node is evicted on its own schedule', async () => {
    await setTaints('n1', [unreachable]);
    await new Promise((r) => setTimeout(r, 20));
    await advance(1_000_000);
    await runningPod(c.client, 'late', 'n1', c.clock.now(), [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }]);
    await new Promise((r) => setTimeout(r, 20));
    await advance(9_000);
    expect(await exists('late')).toBe(true);
    await advance(1_000);
    await c.eventually(async () => !(await exists('late')));
  });
});

describe('DefaultTolerationSeconds admission', () => {
  let c: TestCluster;
  beforeEach(async () => {
    c = await startTestCluster({ plugins: [nodeLifecyclePlugin] });
  });
  afterEach(() => c.stop());
  const create = (name: string, tolerations?: NonNullable<Pod['spec']>['tolerations']) =>
    c.client.create<Pod>({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...(tolerations ? { tolerations } : {}) } });

  it('adds only the tolerations a pod lacks; a wildcard toleration needs none', async () => {
    expect((await create('wild', [{ operator: 'Exists' }])).spec!.tolerations).toEqual([{ operator: 'Exists' }]);
    expect((await create('keyed', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }])).spec!.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    // A NoSchedule toleration of the same key does not count.
    expect((await create('noschedule', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }])).spec!.tolerations).toHaveLength(3);
  });
});
