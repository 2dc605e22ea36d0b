import type { Node, Pod } from '@keelson/api';
import { createSharedIndexInformer, FakeClock, FakeListerWatcher, silentLogger } from '@keelson/core';
import { describe, expect, it, vi } from 'vitest';
import { SharedNodeSources } from './sources.js';

const pod = (name: string, nodeName?: string, phase = 'Pending'): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { nodeName, containers: [{ name: 'c', image: 'i' }] }, status: { phase } }) as Pod;
const node = (name: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } }) as Node;

describe('SharedNodeSources on the shared informers', () => {
  it('routes bound pods to their node (a pod bound later arrives as an add) and leaves the shared informers running', async () => {
    const clock = new FakeClock();
    const podsLW = new FakeListerWatcher<Pod>();
    const nodesLW = new FakeListerWatcher<Node>();
    podsLW.add(pod('a', 'n1'));
    podsLW.add(pod('b'));
    podsLW.add(pod('c', 'n2'));
    nodesLW.add(node('n1'));
    const pods = createSharedIndexInformer<Pod>({ kind: { apiVersion: 'v1', kind: 'Pod' }, listerWatcher: podsLW, clock, log: silentLogger });
    const nodes = createSharedIndexInformer<Node>({ kind: { apiVersion: 'v1', kind: 'Node' }, listerWatcher: nodesLW, clock, log: silentLogger });
    // Another component started them first: the sources join late.
    await Promise.all([pods.start(), nodes.start()]);
    const sources = new SharedNodeSources({ client: undefined as never, clock, informers: { pods, nodes } });
    const seen: string[] = [];
    const stop = await sources.watchPods('n1', {
      onAdd: (p) => void seen.push(`add ${p.metadata.name}`),
      onUpdate: (_o, p) => void seen.push(`update ${p.metadata.name} ${p.status?.phase}`),
      onDelete: (p) => void seen.push(`delete ${p.metadata.name}`),
    });
    const nodeSeen: string[] = [];
    await sources.watchNode('n1', { onAdd: (n) => void nodeSeen.push(n.metadata.name!) });
    await vi.waitFor(() => expect(seen).toContain('add a'));
    expect(nodeSeen[0]).toBe('n1');
    podsLW.update(pod('b', 'n1'));
    await vi.waitFor(() => expect(seen).toContain('add b'));
    podsLW.update(pod('b', 'n1', 'Running'));
    podsLW.update(pod('c', 'n2', 'Running'));
    podsLW.delete('default/b');
    await vi.waitFor(() => expect(seen).toContain('delete b'));
    expect(seen.filter((s) => s !== 'add a')).toEqual(['add b', 'update b Running', 'delete b']);
    stop();
    sources.stop();
    podsLW.add(pod('d', 'n1'));
    await vi.waitFor(() => expect(pods.getIndexer().getByKey('default/d')).toBeDefined());
    expect(seen).not.toContain('add d');
    pods.stop();
    nodes.stop();
  });
});
