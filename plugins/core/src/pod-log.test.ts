import type { Pod } from '@keelson/api';
import { type Cluster, type ContainerLogsRequest, createCluster, FakeClock, NodeConnectionsToken, silentLogger } from '@keelson/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import corePlugin, { logContainer, parsePodLogOptions, podLog } from './index.js';

const pod = (name: string, spec: Partial<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } as Pod['spec'],
});

describe('PodLogOptions from the query (kube decoding and ValidatePodLogOptions)', () => {
  it('decodes every option', () => {
    expect(
      parsePodLogOptions('p', { container: 'c', follow: 'true', previous: '0', timestamps: 'T', sinceSeconds: '30', tailLines: '10', limitBytes: '500' }),
    ).toEqual({ container: 'c', follow: true, previous: false, timestamps: true, sinceSeconds: 30, tailLines: 10, limitBytes: 500 });
    expect(parsePodLogOptions('p', { sinceTime: '2026-11-23T15:13:06Z' })).toEqual({ sinceTime: Date.UTC(2026, 10, 23, 15, 13, 6) });
    expect(parsePodLogOptions('p', { tailLines: '0' })).toEqual({ tailLines: 0 });
  });

  it('refuses values that do not parse with 400', () => {
    expect(() => parsePodLogOptions('p', { tailLines: 'ten' })).toThrow(expect.objectContaining({ code: 400, message: 'invalid value for tailLines: strconv.ParseInt: parsing "ten": invalid syntax' }));
    expect(() => parsePodLogOptions('p', { follow: 'yes' })).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => parsePodLogOptions('p', { sinceTime: 'yesterday' })).toThrow(expect.objectContaining({ code: 400 }));
  });

  it('answers invalid options with 422 PodLogOptions as kube words it', () => {
    const cases: [Record<string, string>, string][] = [
      [{ tailLines: '-1' }, 'PodLogOptions "p" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'],
      [{ limitBytes: '0' }, 'PodLogOptions "p" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
      [{ sinceSeconds: '0' }, 'PodLogOptions "p" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0'],
      [{ sinceSeconds: '5', sinceTime: '2026-01-01T00:00:00Z' }, 'PodLogOptions "p" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'],
      [
        { tailLines: '-2', limitBytes: '-3' },
        'PodLogOptions "p" is invalid: [tailLines: Invalid value: -2: must be greater than or equal to 0, limitBytes: Invalid value: -3: must be greater than 0]',
      ],
    ];
    for (const [query, message] of cases) {
      expect(() => parsePodLogOptions('p', query), JSON.stringify(query)).toThrow(expect.objectContaining({ code: 422, reason: 'Invalid', message }));
    }
  });
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

  it('404 for a missing pod, 400 before it has a node, 503 when its node has no reachable agent', async () => {
    await expect(call('nope')).rejects.toMatchObject({ code: 404, message: 'pods "nope" not found' });
    await cluster.client.create(pod('pending'));
    await expect(call('pending')).rejects.toMatchObject({ code: 400, message: 'pod pending does not have a host assigned' });
    await cluster.client.create(pod('far', { nodeName: 'node-9' }));
    await expect(call('far')).rejects.toMatchObject({ code: 503 });
    expect(asked).toEqual([]);
  });

  it('is served as a GET subresource of pods', () => {
    expect(cluster.kinds.byResource('', 'v1', 'pods')?.subresources?.get?.log).toBe(podLog);
  });
});
