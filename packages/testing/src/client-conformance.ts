import { type ConfigMap, isAlreadyExists, isConflict, isNotFound, isResourceExpired, type KubeObject, type Namespace, type Pod, type Status } from '@keelson/api';
import type { Client, WatchEvent, WatchHandle } from '@keelson/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from './test-cluster.js';
import { eventually } from './test-cluster.js';

/** What a client conformance run needs: the client under test and the cluster behind it. */
export interface ClientUnderTest {
  client: Client;
  /** The in-process cluster the client reaches (directly or through an API server): its clock and store. */
  cluster: TestCluster;
  cleanup?: () => Promise<void>;
}

const cmKind = { apiVersion: 'v1', kind: 'ConfigMap' };
const podKind = { apiVersion: 'v1', kind: 'Pod' };

const configMap = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

const pod = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] }, { name: 'side', image: 'busybox:1.36' }] },
});

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; status: Status }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; reason: string; message: string; status: Status };
  }
  throw new Error('expected a rejection');
}

/**
 * The behaviour every Client transport shares (in-process, HTTP): the same calls give the same
 * objects and the same ApiErrors (code, reason, message), watches deliver the same events in the
 * same order, including bookmarks, resumption and 410 for compacted history. Each test works in its
 * own namespace.
 */
export function describeClientConformance(name: string, open: () => Promise<ClientUnderTest>): void {
  describe(`Client conformance: ${name}`, () => {
    let client: Client;
    let cluster: TestCluster;
    let cleanup: (() => Promise<void>) | undefined;
    let seq = 0;
    beforeAll(async () => {
      ({ client, cluster, cleanup } = await open());
    });
    afterAll(async () => {
      await cleanup?.();
    });

    async function namespace(): Promise<string> {
      const ns = `conformance-${++seq}`;
      await client.create<Namespace>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      return ns;
    }

    /** Watches and collects events; `until` waits (in real time) for a condition on them. */
    async function collect(kind: { apiVersion: string; kind: string }, opts: Parameters<Client['watch']>[1]) {
      const events: WatchEvent[] = [];
      const handle: WatchHandle = await client.watch(kind, opts, (e) => void events.push(e));
      const until = (check: (evs: WatchEvent[]) => boolean) => eventually(() => check(events), 5000);
      return { events, handle, until };
    }

    const summary = (evs: WatchEvent[]) => evs.map((e) => `${e.type} ${e.type === 'ERROR' ? e.object.code : (e.object as KubeObject).metadata.name ?? ''}`);

    it('creates and gets objects; 404 and 409 AlreadyExists are the same ApiErrors', async () => {
      const ns = await namespace();
      const created = await client.create(configMap('a', { k: 'v' }), { namespace: ns });
      expect(created.metadata).toMatchObject({ name: 'a', namespace: ns });
      expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      const got = await client.get<ConfigMap>(cmKind, 'a', { namespace: ns });
      expect(got).toEqual(created);
      expect(await client.resource<ConfigMap>(cmKind, ns).get('a')).toEqual(created);

      const missing = await rejection(client.get(cmKind, 'nope', { namespace: ns }));
      expect(isNotFound(missing)).toBe(true);
      expect(missing.status).toMatchObject({ code: 404, reason: 'NotFound', message: 'configmaps "nope" not found', details: { name: 'nope', kind: 'configmaps' } });
      const dup = await rejection(client.create(configMap('a'), { namespace: ns }));
      expect(isAlreadyExists(dup)).toBe(true);
      expect(dup.message).toBe('configmaps "a" already exists');
      const generated = await client.create<ConfigMap>({ ...configMap(''), metadata: { generateName: 'gen-' } }, { namespace: ns });
      expect(generated.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
      const invalid = await rejection(client.create(configMap('Not_Valid'), { namespace: ns }));
      expect(invalid).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(invalid.status.details?.causes?.[0]?.field).toBe('metadata.name');
      const dry = await client.create(configMap('dry'), { namespace: ns, dryRun: true });
      expect(dry.metadata.name).toBe('dry');
      expect(isNotFound(await rejection(client.get(cmKind, 'dry', { namespace: ns })))).toBe(true);
    });

    it('lists with label and field selectors, and paginates with limit and continue', async () => {
      const ns = await namespace();
      for (const [n, tier] of [['a', 'web'], ['b', 'db'], ['c', 'web'], ['d', 'web'], ['e', 'cache']] as const) {
        await client.create(configMap(n, {}, { tier }), { namespace: ns });
      }
      const names = (l: { items: KubeObject[] }) => l.items.map((i) => i.metadata.name);
      expect(names(await client.list(cmKind, { namespace: ns, labelSelector: 'tier=web' }))).toEqual(['a', 'c', 'd']);
      expect(names(await client.list(cmKind, { namespace: ns, labelSelector: 'tier in (db,cache)' }))).toEqual(['b', 'e']);
      expect(names(await client.list(cmKind, { namespace: ns, fieldSelector: 'metadata.name!=a,metadata.name!=b' }))).toEqual(['c', 'd', 'e']);
      const first = await client.list(cmKind, { namespace: ns, limit: 2 });
      expect(names(first)).toEqual(['a', 'b']);
      expect(first.metadata).toMatchObject({ remainingItemCount: 3 });
      const second = await client.list(cmKind, { namespace: ns, limit: 2, continue: first.metadata.continue });
      const third = await client.list(cmKind, { namespace: ns, limit: 2, continue: second.metadata.continue });
      expect([...names(second), ...names(third)]).toEqual(['c', 'd', 'e']);
      expect(third.metadata.continue).toBeUndefined();
      expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
      const bad = await rejection(client.list(cmKind, { namespace: ns, labelSelector: 'tier in (' }));
      expect(bad).toMatchObject({ code: 400, reason: 'BadRequest' });
    });

    it('updates with optimistic concurrency: a stale resourceVersion is 409 Conflict', async () => {
      const ns = await namespace();
      const v1 = await client.create(configMap('a', { n: '1' }), { namespace: ns });
      const v2 = await client.update({ ...v1, data: { n: '2' } });
      expect(v2.data).toEqual({ n: '2' });
      expect(Number(v2.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
      const stale = await rejection(client.update({ ...v1, data: { n: '3' } }));
      expect(isConflict(stale)).toBe(true);
      expect(stale.message).toBe('Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
      const gone = await rejection(client.update({ ...configMap('missing'), metadata: { name: 'missing', namespace: ns } }));
      expect(isNotFound(gone)).toBe(true);
    });

    it('patches: JSON patch, merge patch, strategic merge patch and server-side apply with conflicts', async () => {
      const ns = await namespace();
      await client.create(configMap('a', { x: '1', y: '2' }), { namespace: ns });
      const merged = await client.patch<ConfigMap>(cmKind, 'a', 'merge', { data: { y: null, z: '3' } }, { namespace: ns });
      expect(merged.data).toEqual({ x: '1', z: '3' });
      const json = await client.patch<ConfigMap>(cmKind, 'a', 'json', [{ op: 'replace', path: '/data/x', value: '9' }], { namespace: ns });
      expect(json.data).toEqual({ x: '9', z: '3' });
      const failed = await rejection(client.patch(cmKind, 'a', 'json', [{ op: 'test', path: '/data/x', value: 'no' }], { namespace: ns }));
      expect(failed).toMatchObject({ code: 422, reason: 'Invalid' });

      await client.create(pod('p'), { namespace: ns });
      const smp = await client.patch<Pod>(podKind, 'p', 'strategic', { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } }, { namespace: ns });
      expect(smp.spec!.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['web=nginx:1.28', 'side=busybox:1.36']);
      expect(smp.spec!.containers[0]!.env).toEqual([{ name: 'A', value: '1' }]);

      const applied = await client.patch<ConfigMap>(cmKind, 'b', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { owned: 'by-a' } }, { namespace: ns, fieldManager: 'mgr-a' });
      expect(applied.data).toEqual({ owned: 'by-a' });
      expect(applied.metadata.managedFields?.map((f) => `${f.manager}/${f.operation}`)).toEqual(['mgr-a/Apply']);
      const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { owned: 'by-b' } };
      const clash = await rejection(client.patch(cmKind, 'b', 'apply', config, { namespace: ns, fieldManager: 'mgr-b' }));
      expect(isConflict(clash)).toBe(true);
      expect(clash.message).toMatch(/^Apply failed with 1 conflict: conflict with "mgr-a".*\.data\.owned/);
      const forced = await client.patch<ConfigMap>(cmKind, 'b', 'apply', JSON.stringify(config), { namespace: ns, fieldManager: 'mgr-b', force: true });
      expect(forced.data).toEqual({ owned: 'by-b' });
    });

    it('deletes with grace periods, finalizers and preconditions; deleteCollection by selector', async () => {
      const ns = await namespace();
      const p = await client.create(pod('p'), { namespace: ns });
      expect(await client.postSubresource(podKind, 'p', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } } as KubeObject, { namespace: ns })).toMatchObject({
        kind: 'Status',
        status: 'Success',
        code: 201,
      });
      const wrongUid = await rejection(client.delete(podKind, 'p', { namespace: ns, preconditions: { uid: 'not-the-uid' } }));
      expect(isConflict(wrongUid)).toBe(true);
      expect(wrongUid.message).toContain('the UID in the precondition (not-the-uid) does not match the UID in record');
      const pending = (await client.delete<Pod>(podKind, 'p', { namespace: ns, gracePeriodSeconds: 30, preconditions: { uid: p.metadata.uid } })) as Pod;
      expect(pending.metadata).toMatchObject({ deletionGracePeriodSeconds: 30 });
      expect(pending.metadata.deletionTimestamp).toBeDefined();
      const gone = (await client.delete(podKind, 'p', { namespace: ns, gracePeriodSeconds: 0 })) as Status;
      expect(gone).toMatchObject({ kind: 'Status', status: 'Success' });
      expect(isNotFound(await rejection(client.get(podKind, 'p', { namespace: ns })))).toBe(true);

      await client.create({ ...configMap('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } }, { namespace: ns });
      const held = (await client.delete<ConfigMap>(cmKind, 'fin', { namespace: ns })) as ConfigMap;
      expect(held.metadata.deletionTimestamp).toBeDefined();
      const current = await client.get<ConfigMap>(cmKind, 'fin', { namespace: ns });
      await client.update({ ...current, metadata: { ...current.metadata, finalizers: [] } });
      expect(isNotFound(await rejection(client.get(cmKind, 'fin', { namespace: ns })))).toBe(true);

      for (const [n, tier] of [['a', 'x'], ['b', 'y'], ['c', 'x']]) await client.create(configMap(n!, {}, { tier: tier! }), { namespace: ns });
      const deleted = await client.deleteCollection(cmKind, { namespace: ns, labelSelector: 'tier=x' });
      expect(deleted.items.map((i) => i.metadata.name)).toEqual(['a', 'c']);
      expect((await client.list(cmKind, { namespace: ns })).items.map((i) => i.metadata.name)).toEqual(['b']);
    });

    it('writes status through the status subresource only; binds pods with pods/binding', async () => {
      const ns = await namespace();
      const p = await client.create(pod('p'), { namespace: ns });
      const withStatus = await client.updateStatus<Pod>({ ...p, spec: { ...p.spec!, activeDeadlineSeconds: 5 }, status: { ...p.status, phase: 'Running' } });
      expect(withStatus.status?.phase).toBe('Running');
      expect(withStatus.spec?.activeDeadlineSeconds).toBeUndefined();
      const viaMain = await client.update<Pod>({ ...withStatus, status: { ...withStatus.status, phase: 'Failed' } });
      expect(viaMain.status?.phase).toBe('Running');
      const patched = await client.patch<Pod>(podKind, 'p', 'merge', { status: { message: 'hello' } }, { namespace: ns, subresource: 'status' });
      expect(patched.status?.message).toBe('hello');
      const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'node-1' } } as KubeObject;
      await client.postSubresource(podKind, 'p', 'binding', binding, { namespace: ns });
      const bound = await client.get<Pod>(podKind, 'p', { namespace: ns });
      expect(bound.spec?.nodeName).toBe('node-1');
      expect(bound.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
      const again = await rejection(client.postSubresource(podKind, 'p', 'binding', binding, { namespace: ns }));
      expect(isConflict(again)).toBe(true);
      expect(again.message).toBe('Operation cannot be fulfilled on pods "p": pod p is already assigned to node "node-1"');
      const noSub = await rejection(client.patch(cmKind, 'x', 'merge', {}, { namespace: ns, subresource: 'status' }));
      expect(noSub.code).toBe(404);
    });

    it('watches from a resourceVersion: ADDED, MODIFIED, DELETED in order, with selectors', async () => {
      const ns = await namespace();
      const rv = (await client.list(cmKind, { namespace: ns })).metadata.resourceVersion;
      const w = await collect(cmKind, { namespace: ns, resourceVersion: rv, labelSelector: 'watched=yes' });
      const a = await client.create(configMap('a', {}, { watched: 'yes' }), { namespace: ns });
      await client.create(configMap('ignored', {}, { watched: 'no' }), { namespace: ns });
      await client.update({ ...a, data: { n: '2' } });
      await client.patch(cmKind, 'a', 'merge', { metadata: { labels: { watched: 'no' } } }, { namespace: ns });
      await w.until((e) => e.length >= 3);
      expect(summary(w.events)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
      w.handle.stop();
      await w.handle.done;
    });

    it('starts with the current state for resourceVersion "" and with sendInitialEvents ends it with a bookmark', async () => {
      const ns = await namespace();
      await client.create(configMap('a'), { namespace: ns });
      await client.create(configMap('b'), { namespace: ns });
      const w = await collect(cmKind, { namespace: ns, resourceVersion: '' });
      await w.until((e) => e.length >= 2);
      expect(summary(w.events)).toEqual(['ADDED a', 'ADDED b']);
      w.handle.stop();
      const i = await collect(cmKind, { namespace: ns, sendInitialEvents: true, allowWatchBookmarks: true, resourceVersion: '' });
      await i.until((e) => e.length >= 3);
      expect(summary(i.events)).toEqual(['ADDED a', 'ADDED b', 'BOOKMARK ']);
      expect((i.events[2]!.object as KubeObject).metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
      i.handle.stop();
    });

    it('sends bookmarks when asked, resumes after a resourceVersion, and ends at timeoutSeconds', async () => {
      const ns = await namespace();
      const a = await client.create(configMap('a'), { namespace: ns });
      const b = await client.create(configMap('b'), { namespace: ns });
      const w = await collect(cmKind, { namespace: ns, resourceVersion: b.metadata.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 120 });
      const resumed = await collect(cmKind, { namespace: ns, resourceVersion: a.metadata.resourceVersion });
      await resumed.until((e) => e.length >= 1);
      expect(summary(resumed.events)).toEqual(['ADDED b']);
      resumed.handle.stop();
      await cluster.advance(60_000);
      await w.until((e) => e.some((x) => x.type === 'BOOKMARK'));
      const bookmark = w.events.find((x) => x.type === 'BOOKMARK')!.object as KubeObject;
      expect(bookmark).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
      expect(Number(bookmark.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(b.metadata.resourceVersion));
      await cluster.advance(60_000);
      await w.handle.done;
    });

    it('rejects a watch and a list from compacted history with 410 Expired', async () => {
      const ns = await namespace();
      const a = await client.create(configMap('a'), { namespace: ns });
      await client.update({ ...a, data: { n: '1' } });
      await cluster.store.compact(await cluster.store.currentRevision());
      const watch = await rejection(client.watch(cmKind, { namespace: ns, resourceVersion: a.metadata.resourceVersion }, () => {}));
      expect(isResourceExpired(watch)).toBe(true);
      expect(watch).toMatchObject({ code: 410, reason: 'Expired' });
      const list = await rejection(client.list(cmKind, { namespace: ns, resourceVersion: a.metadata.resourceVersion, resourceVersionMatch: 'Exact' }));
      expect(isResourceExpired(list)).toBe(true);
    });

    it('refuses a kind nobody serves with 404', async () => {
      const err = await rejection(client.list({ apiVersion: 'example.com/v1', kind: 'Widget' }));
      expect(isNotFound(err)).toBe(true);
    });
  });
}
