/**
 * The official JavaScript client (@kubernetes/client-node) against a keelson API server on an
 * ephemeral port: list, create, patch, watch, and an informer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'keelson-client-node-'));
let cluster: RunningCluster;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  core = kc.makeApiClient(k8s.CoreV1Api);
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('@kubernetes/client-node against keelson', () => {
  it('lists, creates, reads and patches', async () => {
    const nss = await core.listNamespace();
    expect(nss.items.map((n) => n.metadata?.name)).toContain('kube-system');
    await core.createNamespace({ body: { metadata: { name: 'cn' } } });
    const created = await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'settings', labels: { app: 'web' } }, data: { color: 'blue' } } });
    expect(created.metadata?.uid).toBeTruthy();
    const patched = await core.patchNamespacedConfigMap(
      { name: 'settings', namespace: 'cn', body: { data: { color: 'green' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ color: 'green' });
    const jsonPatched = await core.patchNamespacedConfigMap({ name: 'settings', namespace: 'cn', body: [{ op: 'add', path: '/data/size', value: 'L' }] });
    expect(jsonPatched.data).toEqual({ color: 'green', size: 'L' });
    const listed = await core.listNamespacedConfigMap({ namespace: 'cn', labelSelector: 'app=web' });
    expect(listed.items).toHaveLength(1);
    await expect(core.readNamespacedConfigMap({ name: 'nope', namespace: 'cn' })).rejects.toMatchObject({ code: 404 });
  });

  it('applies server-side and deletes a collection by label', async () => {
    const applied = await core.patchNamespacedConfigMap(
      { name: 'ssa', namespace: 'cn', fieldManager: 'client-node', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', labels: { batch: 'b' } }, data: { k: 'v' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
    );
    expect(applied.metadata?.managedFields?.map((e) => `${e.manager}/${e.operation}`)).toEqual(['client-node/Apply']);
    await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'other', labels: { batch: 'b' } } } });
    await core.deleteCollectionNamespacedConfigMap({ namespace: 'cn', labelSelector: 'batch=b' });
    expect((await core.listNamespacedConfigMap({ namespace: 'cn', labelSelector: 'batch=b' })).items).toHaveLength(0);
    expect((await core.listNamespacedConfigMap({ namespace: 'cn' })).items.map((c) => c.metadata?.name)).toContain('settings');
  });

  it('watches and keeps an informer in sync', async () => {
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch('/api/v1/namespaces/cn/configmaps', {}, (type, obj: k8s.V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`), () => {});
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/cn/configmaps', () => core.listNamespacedConfigMap({ namespace: 'cn' }));
    const added: string[] = [];
    informer.on('add', (obj: k8s.V1ConfigMap) => added.push(obj.metadata!.name!));
    await informer.start();
    await until(() => added.includes('settings'));
    await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'second' } } });
    await until(() => added.includes('second') && seen.includes('ADDED second'));
    expect(seen).toContain('ADDED settings');
    await informer.stop();
    req.abort();
  });
});
