import type { ConfigMap, KubeObject } from '@keelson/api';
import { type ApiServer, createApiServer } from '@keelson/apiserver';
import { createLogger, createSharedIndexInformer, KindRegistry, listWatchFromClient, type SharedIndexInformer } from '@keelson/core';
import { ConfigMapKind } from '@keelson/plugin-core';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from './http-client.js';

// A SharedInformer of @keelson/core fed through HttpClient from a real API server: the informer
// machinery cannot tell the transports apart.
describe('SharedInformer over HttpClient', () => {
  let cluster: TestCluster;
  let api: ApiServer;
  let client: HttpClient;
  let informer: SharedIndexInformer<ConfigMap> | undefined;
  const logs: string[] = [];

  beforeEach(async () => {
    cluster = await startTestCluster();
    api = createApiServer({ cluster });
    const { url } = await api.listen(0, '127.0.0.1');
    const kinds = new KindRegistry();
    kinds.register(ConfigMapKind);
    client = new HttpClient({ server: url, kinds });
    logs.length = 0;
  });
  afterEach(async () => {
    informer?.stop();
    client.close();
    await api.close();
    await cluster.stop();
  });

  function start(namespace: string, pageSize = 2) {
    informer = createSharedIndexInformer<ConfigMap>({
      kind: ConfigMapKind,
      listerWatcher: listWatchFromClient<ConfigMap>(client, ConfigMapKind, { namespace }),
      clock: cluster.clock,
      pageSize,
      random: () => 0.5,
      log: createLogger({ level: 'debug', sink: (l) => logs.push(l) }),
    });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o, initial) => void seen.push(`add ${o.metadata.name}${initial ? ' (initial)' : ''}`),
      onUpdate: (_, o) => void seen.push(`update ${o.metadata.name} ${JSON.stringify(o.data ?? {})}`),
      onDelete: (o, info) => void seen.push(`delete ${o.metadata.name}${info.finalStateUnknown ? ' (unknown)' : ''}`),
    });
    return { informer, seen };
  }

  const cm = (name: string, data: Record<string, string> = {}): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team' }, data });
  const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name).sort();

  it('syncs with a paginated list, then receives adds, updates and deletes', async () => {
    for (const n of ['a', 'b', 'c']) await cluster.client.create(cm(n));
    const { informer: inf, seen } = start('team');
    await inf.start();
    expect(inf.hasSynced()).toBe(true);
    expect(names(inf.lister().namespace('team').list())).toEqual(['a', 'b', 'c']);
    await client.create(cm('d'));
    const b = await client.get<ConfigMap>(ConfigMapKind, 'b', { namespace: 'team' });
    await client.update({ ...b, data: { v: '2' } });
    await client.delete(ConfigMapKind, 'a', { namespace: 'team' });
    await cluster.eventually(() => seen.length === 6);
    expect(seen).toEqual(['add a (initial)', 'add b (initial)', 'add c (initial)', 'add d', 'update b {"v":"2"}', 'delete a']);
    expect(names(inf.lister().namespace('team').list())).toEqual(['b', 'c', 'd']);
  });

  it('re-watches when the server ends the watch and relists after a 410 on compacted history', async () => {
    await cluster.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elsewhere' } });
    await cluster.client.create(cm('a'));
    const { informer: inf, seen } = start('team');
    await inf.start();
    // The watch is open once it delivers an event: only then may the clock move.
    await client.create(cm('b'));
    await cluster.eventually(() => seen.includes('add b'));
    // Past the bookmarks (every 60 s, they move the informer's resourceVersion); the watch ends at 450 s (300 s × 1.5).
    await cluster.advance(421_000);
    await client.delete(ConfigMapKind, 'a', { namespace: 'team' });
    await cluster.eventually(() => seen.includes('delete a'));
    const lastRV = Number(inf.lastSyncResourceVersion());
    // A write the informer does not watch, then compaction past its resourceVersion: its next watch is a 410.
    await cluster.client.create({ ...cm('other'), metadata: { name: 'other', namespace: 'elsewhere' } });
    await cluster.store.compact(await cluster.store.currentRevision());
    expect(await cluster.store.compactedRevision()).toBeGreaterThan(lastRV);
    expect(logs.filter((l) => l.includes('410'))).toEqual([]);
    await cluster.advance(30_000);
    await cluster.eventually(() => logs.some((l) => l.includes('watch history expired (410), relisting')));
    expect(names(inf.lister().list())).toEqual(['b']);
    await client.create(cm('after'));
    await cluster.eventually(() => seen.includes('add after'));
  });
});
