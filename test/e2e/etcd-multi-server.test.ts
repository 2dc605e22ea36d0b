/**
 * Two `keelson server` processes on one etcd serve one cluster: a write through one is seen by a
 * watch and by a consistent read on the other, with the same resourceVersion (etcd's revision),
 * and compare-and-swap holds across them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '@keelson/api';
import { type EtcdProcess, etcdTestsEnabled, startEtcd } from '@keelson/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, httpWatch, startCli } from './cli-process.js';

const exec = promisify(execFile);

describe.skipIf(!etcdTestsEnabled())('two keelson servers on one etcd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-etcd-'));
  let etcd: EtcdProcess;
  let a: CliProcess;
  let b: CliProcess;

  beforeAll(async () => {
    etcd = await startEtcd({ unsafeNoFsync: true });
    [a, b] = await Promise.all([
      startCli('server', ['--store', etcd.url], join(dir, 'a.kubeconfig')),
      startCli('server', ['--store', etcd.url], join(dir, 'b.kubeconfig')),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = async (server: CliProcess, ...args: string[]) =>
    (await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: server.kubeconfig }, timeout: 20_000 })).stdout;
  const getJson = async <T = KubeObject>(server: CliProcess, ...args: string[]) => JSON.parse(await kubectl(server, 'get', ...args, '-o', 'json')) as T;

  it('shows a write through one server to a watch on the other, with the same resourceVersion', async () => {
    const w = await httpWatch(`${b.url}/api/v1/namespaces/default/configmaps?watch=1`);
    try {
      await kubectl(a, 'create', 'configmap', 'shared', '--from-literal=k=v1');
      const created = await getJson(a, 'configmap', 'shared');
      await w.until(() => w.events.some((e) => e.object.metadata.name === 'shared'), 'ADDED shared');
      const e = w.events.find((ev) => ev.object.metadata.name === 'shared')!;
      expect(e.type).toBe('ADDED');
      expect(e.object.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      await kubectl(a, 'label', 'configmap', 'shared', 'step=two');
      const labelled = await getJson(a, 'configmap', 'shared');
      await w.until(() => w.events.some((ev) => ev.type === 'MODIFIED' && ev.object.metadata.resourceVersion === labelled.metadata.resourceVersion), 'MODIFIED shared');
    } finally {
      w.stop();
    }
  });

  it('reads consistently across servers: a list on one right after a write on the other sees it', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${a.url}/api/v1/namespaces/default/configmaps`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` }, data: { i: String(i) } }),
      });
      expect(res.status).toBe(201);
      const created = (await res.json()) as KubeObject;
      const list = (await (await fetch(`${b.url}/api/v1/namespaces/default/configmaps`)).json()) as { metadata: { resourceVersion: string }; items: KubeObject[] };
      expect(list.items.map((o) => o.metadata.name)).toContain(`c${i}`);
      expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(created.metadata.resourceVersion));
    }
    const viaB = await getJson<{ items: KubeObject[] }>(b, 'configmaps');
    const viaA = await getJson<{ items: KubeObject[] }>(a, 'configmaps');
    expect(viaB.items.map((o) => [o.metadata.name, o.metadata.resourceVersion])).toEqual(viaA.items.map((o) => [o.metadata.name, o.metadata.resourceVersion]));
  });

  it('keeps compare-and-swap across servers: a stale update through the other one is a 409', async () => {
    await kubectl(a, 'create', 'configmap', 'cas', '--from-literal=k=1');
    const seen = await getJson(b, 'configmap', 'cas');
    await kubectl(a, 'label', 'configmap', 'cas', 'moved=on');
    const res = await fetch(`${b.url}/api/v1/namespaces/default/configmaps/cas`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...seen, data: { k: '2' } }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { reason: string }).reason).toBe('Conflict');
  });
});
