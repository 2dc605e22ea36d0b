import type { Node, Pod } from '@keelson/api';
import { type Cluster, type ContainerLogsRequest, createCluster, FakeClock, NodeConnectionsToken, silentLogger } from '@keelson/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import corePlugin, { logContainer, podLog } from './index.js';

const pod = (name: string, spec: Partial<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } as Pod['spec'],
});

describe('the container of a log (kube ValidateContainer)', () => {
  it('the only container, or the one named', () => {
    expect(logContainer(pod('p'), undefined)).toBe('c');
    expect(logContainer(pod('p', { initContainers: [{ name: 'init', image: 'x' }] }), 'init')).toBe('init');
  });

  it('400 when several and none named, or an unknown one', () => {
    const two = pod('p', { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] });
    expect(() => logContainer(two, undefined)).toThrow(expect.objectContaining({ code: 400, message: 'a container name must be specified for pod p, choose one of: [a b]' }));
    const withInit = pod('p', { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }], initContainers: [{ name: 'i', image: 'x' }, { name: 'j', image: 'x' }] });
    expect(() => logContainer(withInit, undefined)).toThrow(
      expect.objectContaining({ message: 'a container name must be specified for pod p, choose one of: [a b] or one of the init containers: [i j]' }),
    );
    expect(() => logContainer(two, 'c')).toThrow(expect.objectContaining({ code: 400, message: 'container c is not valid for pod p' }));
  });
});

describe('pods/log', () => {
  let cluster: Cluster;
  const asked: ContainerLogsRequest[] = [];
  beforeEach(async () => {
    cluster = await createCluster({ plugins: [corePlugin], clock: new FakeClock(), logger: silentLogger });
    await cluster.start();
    asked.length = 0;
    cluster.get(NodeConnectionsToken).register('node-1', {
      async containerLogs(req) {
        asked.push(req);
        return (async function* () {
          yield 'hello\n';
        })();
      },
    });
  });
  afterEach(() => cluster.stop());
  const signal = new AbortController().signal;
  const call = (name: string, query: Record<string, string> = {}) =>
    podLog.handle({ name, namespace: 'default', query, now: cluster.clock.now(), signal, services: { client: cluster.client, nodes: cluster.get(NodeConnectionsToken) } });

  it("asks the agent of the pod's node, registered in-process, and streams its answer as text/plain", async () => {
    const created = await cluster.client.create<Pod>(pod('web', { nodeName: 'node-1' }));
    const out = await call('web', { tailLines: '5', follow: 'true' });
    expect(out.contentType).toBe('text/plain');
    expect(out.flush).toBe(true);
    const chunks: (string | Uint8Array)[] = [];
    for await (const c of out.body) chunks.push(c);
    expect(chunks).toEqual(['hello\n']);
    expect(asked).toEqual([{ namespace: 'default', podName: 'web', podUID: created.metadata.uid, containerName: 'c', options: { tailLines: 5, follow: true } }]);
  });

  it('404 for a missing pod or node, an empty log before it has a node, 503 when its node publishes no endpoint on loopback', async () => {
    await expect(call('nope')).rejects.toMatchObject({ code: 404, message: 'pods "nope" not found' });
    await cluster.client.create(pod('pending'));
    const empty = await call('pending'); // kube: an empty log until the pod has a node
    const chunks: unknown[] = [];
    for await (const c of empty.body) chunks.push(c);
    expect([empty.contentType, chunks]).toEqual(['text/plain', []]);
    await cluster.client.create(pod('far', { nodeName: 'node-9' }));
    await expect(call('far')).rejects.toMatchObject({ code: 404, message: 'nodes "node-9" not found' });
    const n = await cluster.client.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-9' } });
    await cluster.client.updateStatus<Node>({ ...n, status: { addresses: [{ type: 'InternalIP', address: '10.1.2.3' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } });
    await expect(call('far')).rejects.toMatchObject({ code: 503, message: 'node node-9 publishes no node agent endpoint this API server can reach' });
    expect(asked).toEqual([]);
  });

  it('is served as a GET subresource of pods', () => {
    expect(cluster.kinds.byResource('', 'v1', 'pods')?.subresources?.get?.log).toBe(podLog);
  });
});
