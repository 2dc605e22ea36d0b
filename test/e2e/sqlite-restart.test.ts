/**
 * `keelson up` on the SQLite store: objects created with kubectl survive a stop and a start on
 * the same data directory with their resourceVersions, and new writes get higher ones.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '@keelson/api';
import { type RunningCluster, up } from 'keelson';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-sqlite-'));
const store = `sqlite:${join(dir, 'data')}`;
let cluster: RunningCluster | undefined;

const start = () => up({ port: 0, store, kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster!.kubeconfig }, timeout: 20_000 });
  return stdout;
}

const getJson = async <T = KubeObject>(...args: string[]): Promise<T> => JSON.parse(await kubectl('get', ...args, '-o', 'json')) as T;

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('keelson up --store sqlite:DIR', () => {
  it('keeps objects and their resourceVersions across a restart; new writes get higher ones', async () => {
    cluster = await start();
    await kubectl('create', 'namespace', 'durable');
    await kubectl('create', 'configmap', 'one', '-n', 'durable', '--from-literal=k=v1');
    await kubectl('create', 'configmap', 'two', '-n', 'durable', '--from-literal=k=v2');
    await kubectl('label', 'configmap', 'two', '-n', 'durable', 'touched=yes');
    await kubectl('create', 'configmap', 'gone', '-n', 'durable', '--from-literal=k=x');
    await kubectl('delete', 'configmap', 'gone', '-n', 'durable');
    const before = await getJson<{ metadata: { resourceVersion: string }; items: KubeObject[] }>('configmaps', '-n', 'durable');
    const ns = await getJson('namespace', 'durable');
    await cluster.stop();
    cluster = undefined;

    cluster = await start();
    const after = await getJson<{ metadata: { resourceVersion: string }; items: KubeObject[] }>('configmaps', '-n', 'durable');
    const summary = (l: typeof before) => l.items.map((o) => [o.metadata.name, o.metadata.resourceVersion, o.metadata.uid, o.metadata.labels]);
    expect(summary(after)).toEqual(summary(before));
    expect(after.items.map((o) => o.metadata.name)).toEqual(['one', 'two']);
    expect((await getJson('namespace', 'durable')).metadata.resourceVersion).toBe(ns.metadata.resourceVersion);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(before.metadata.resourceVersion));

    const newest = Math.max(...before.items.map((o) => Number(o.metadata.resourceVersion)), Number(before.metadata.resourceVersion));
    await kubectl('create', 'configmap', 'three', '-n', 'durable', '--from-literal=k=v3');
    const three = await getJson('configmap', 'three', '-n', 'durable');
    expect(Number(three.metadata.resourceVersion)).toBeGreaterThan(newest);
    await kubectl('label', 'configmap', 'one', '-n', 'durable', 'after=restart');
    const one = await getJson('configmap', 'one', '-n', 'durable');
    expect(Number(one.metadata.resourceVersion)).toBeGreaterThan(Number(three.metadata.resourceVersion));
  });
});
