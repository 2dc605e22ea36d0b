/**
 * `keelson migrate` moves a cluster's objects from SQLite to etcd and back: every key and value
 * (byte for byte) arrives, the objects serve as before through a server on the new store (new
 * resourceVersions), and memory is refused as a source.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '@keelson/api';
import type { KeyValue } from '@keelson/core';
import { type EtcdProcess, etcdTestsEnabled, startEtcd } from '@keelson/testing';
import { migrate, MigrateError, openStore } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from './cli-process.js';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/** Every key and value under /registry/ of a store. */
async function dump(url: string): Promise<KeyValue[]> {
  const store = await openStore(url);
  try {
    return (await store.range({ prefix: '/registry/' })).items;
  } finally {
    await store.close();
  }
}

/** Runs `keelson migrate` as a child process. */
function migrateCli(from: string, to: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, 'packages/cli/src/bin.ts'), 'migrate', '--from', from, '--to', to], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe.skipIf(!etcdTestsEnabled())('keelson migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-migrate-'));
  const sqliteA = `sqlite:${join(dir, 'a')}`;
  const sqliteB = `sqlite:${join(dir, 'b')}`;
  let etcd: EtcdProcess;
  let server: CliProcess | undefined;

  beforeAll(async () => {
    etcd = await startEtcd({ unsafeNoFsync: true });
  });
  afterAll(async () => {
    await server?.stop();
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = async (...args: string[]) => (await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: server!.kubeconfig }, timeout: 20_000 })).stdout;
  const objects = async (kind: string, ...args: string[]) =>
    (JSON.parse(await kubectl('get', kind, ...args, '-o', 'json')) as { items: KubeObject[] }).items.map((o) => ({ name: o.metadata.name, uid: o.metadata.uid, labels: o.metadata.labels, data: (o as { data?: unknown }).data }));

  it('copies a cluster from SQLite to etcd and back, every key and value intact', { timeout: 90_000 }, async () => {
    server = await startCli('server', ['--store', sqliteA], join(dir, 'kubeconfig'));
    await kubectl('create', 'namespace', 'moved');
    await kubectl('create', 'configmap', 'one', '-n', 'moved', '--from-literal=greeting=héllo wörld ✓');
    await kubectl('create', 'configmap', 'two', '-n', 'moved', '--from-literal=k=v');
    await kubectl('label', 'configmap', 'two', '-n', 'moved', 'edited=yes');
    await kubectl('create', 'configmap', 'gone', '-n', 'moved', '--from-literal=k=x');
    await kubectl('delete', 'configmap', 'gone', '-n', 'moved');
    const before = await objects('configmaps', '-n', 'moved');
    const namespaces = await objects('namespaces');
    await server.stop();
    server = undefined;
    const source = await dump(sqliteA);
    expect(source.length).toBeGreaterThan(4);

    const toEtcd = await migrateCli(sqliteA, etcd.url);
    expect(toEtcd.code, toEtcd.output).toBe(0);
    expect(toEtcd.output).toContain(`migrated ${source.length} keys`);
    const inEtcd = await dump(etcd.url);
    expect(inEtcd.map((kv) => [kv.key, kv.value])).toEqual(source.map((kv) => [kv.key, kv.value]));

    // A server on etcd serves the same objects (new resourceVersions, same uids).
    server = await startCli('server', ['--store', etcd.url], join(dir, 'kubeconfig'));
    expect(await objects('configmaps', '-n', 'moved')).toEqual(before);
    expect(await objects('namespaces')).toEqual(namespaces);
    await server.stop();
    server = undefined;

    // Into a non-empty store: refused, nothing written.
    const again = await migrateCli(sqliteA, etcd.url);
    expect(again.code).toBe(1);
    expect(again.output).toContain('migrate into an empty store');

    const back = await migrate({ from: etcd.url, to: sqliteB });
    expect(back.keys).toBe(source.length);
    const inB = await dump(sqliteB);
    expect(inB.map((kv) => [kv.key, kv.value])).toEqual(source.map((kv) => [kv.key, kv.value]));
  });

  it('refuses the memory store as a source or target', async () => {
    await expect(migrate({ from: 'memory', to: etcd.url })).rejects.toBeInstanceOf(MigrateError);
    await expect(migrate({ from: sqliteA, to: 'memory' })).rejects.toThrow(/memory store cannot be a migration target/);
  });
});
