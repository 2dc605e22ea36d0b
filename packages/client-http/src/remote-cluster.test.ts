import type { Pod } from '@keelson/api';
import { type ApiServer, createApiServer } from '@keelson/apiserver';
import { type Cluster, createCluster, FakeClock, MemoryStore, silentLogger } from '@keelson/core';
import corePlugin from '@keelson/plugin-core';
import replicasetPlugin, { ReplicaSetKind } from '@keelson/plugin-replicaset';
import { eventually } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './http-client.js';

// Two "processes" in one test: an API server over a store (no controllers, as `keelson server`)
// and a cluster assembled from the same plugins over an HttpClient (as `keelson controllers`).
describe('createCluster over a remote client', () => {
  const started: { stop(): Promise<void> | void }[] = [];
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.stop();
  });

  async function serverCluster(): Promise<{ server: Cluster; api: ApiServer; url: string }> {
    const server = await createCluster({ plugins: [corePlugin, replicasetPlugin], clock: new FakeClock(), logger: silentLogger });
    started.push(server);
    const api = createApiServer({ cluster: server });
    const { url } = await api.listen(0, '127.0.0.1');
    started.push({ stop: () => api.close() });
    return { server, api, url };
  }

  it('runs the plugins controllers against the API server: a ReplicaSet gets its pods', async () => {
    const { server, url } = await serverCluster();
    const client = new HttpClient({ server: url });
    started.push({ stop: () => client.close() });
    const controllers = await createCluster({ plugins: [corePlugin, replicasetPlugin], client, clock: new FakeClock(), logger: silentLogger });
    started.push(controllers);
    expect(() => controllers.store).toThrow(/runs over a remote API server/);
    expect(() => controllers.registry).toThrow(/no local registry/);
    await controllers.start();
    expect(controllers.manager.runningControllers().length).toBeGreaterThan(0);

    await server.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
    await server.client.create(
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'rs', namespace: 'web' },
        spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      },
      { kind: ReplicaSetKind },
    );
    const pods = await eventually(async () => {
      const list = await server.client.list<Pod>({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'web' });
      return list.items.length === 3 ? list.items : undefined;
    });
    expect(pods!.every((p) => p.metadata.ownerReferences?.[0]?.name === 'rs')).toBe(true);
    await eventually(async () => ((await server.client.get(ReplicaSetKind, 'rs', { namespace: 'web' })) as { status?: { replicas?: number } }).status?.replicas === 3);
  });

  it('refuses a store and a client together', async () => {
    const { url } = await serverCluster();
    const client = new HttpClient({ server: url });
    started.push({ stop: () => client.close() });
    await expect(createCluster({ plugins: [corePlugin], client, store: new MemoryStore() })).rejects.toThrow(/either a store or a \(remote\) client/);
  });
});
