import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lease } from '@keelson/api';
import { type ApiServer, createApiServer } from '@keelson/apiserver';
import { RealClock } from '@keelson/core';
import replicasetPlugin from '@keelson/plugin-replicaset';
import { eventually, startTestCluster, type TestCluster } from '@keelson/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runControllers, UnservedKindsError } from './controllers.js';
import { connect, RemoteOptionsError, waitForServer } from './remote.js';

const dir = mkdtempSync(join(tmpdir(), 'keelson-controllers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('connect', () => {
  it('takes --server, or the kubeconfig (whose server --server overrides), and a token', () => {
    const kc = join(dir, 'kubeconfig');
    writeFileSync(kc, `current-context: k\nclusters:\n- {name: c, cluster: {server: 'http://127.0.0.1:1111'}}\ncontexts:\n- {name: k, context: {cluster: c, user: u}}\nusers:\n- {name: u, user: {token: from-file}}\n`);
    expect(connect({ server: 'http://127.0.0.1:2222' }).transport.base.origin).toBe('http://127.0.0.1:2222');
    expect(connect({ kubeconfig: kc }).transport.base.origin).toBe('http://127.0.0.1:1111');
    expect(connect({ kubeconfig: kc, server: 'http://127.0.0.1:3333' }).transport.base.origin).toBe('http://127.0.0.1:3333');
    expect(() => connect({ server: '127.0.0.1:6443' })).toThrow(RemoteOptionsError);
  });

  it('waits for an API server that is still starting, and gives up after the timeout', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    const client = connect({ server: `http://127.0.0.1:${port}` });
    const lines: string[] = [];
    const late = createServer((_, res) => res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0-late' })));
    setTimeout(() => late.listen(port, '127.0.0.1'), 300);
    try {
      expect(await waitForServer(client, new RealClock(), 10_000, (l) => lines.push(l))).toBe('v1.32.0-late');
      expect(lines[0]).toMatch(/waiting for the API server at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED/);
    } finally {
      client.close();
      await new Promise((r) => late.close(r));
    }
    await expect(waitForServer(connect({ server: `http://127.0.0.1:${port}` }), new RealClock(), 300)).rejects.toThrow(/did not answer within 300 ms/);
  });
});

describe('runControllers with --leader-elect', () => {
  let cluster: TestCluster;
  let api: ApiServer;
  let url: string;
  beforeAll(async () => {
    cluster = await startTestCluster({ plugins: [replicasetPlugin] });
    api = createApiServer({ cluster });
    ({ url } = await api.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    await api.close();
    await cluster.stop();
  });

  it('refuses plugins whose kinds the API server does not serve', async () => {
    const config = join(dir, 'more.yaml');
    writeFileSync(config, 'plugins: [core, replicaset, deployment]\n');
    const err = await runControllers({ server: url, config, logLevel: 'warn', out: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnservedKindsError);
    expect((err as Error).message).toMatch(/does not serve apps\/v1 Deployment: run it with the same plugins/);
  });

  it('runs leader-only controllers in one process at a time; the other takes over when it stops', async () => {
    const config = join(dir, 'keelson.yaml');
    writeFileSync(config, 'plugins: [core, replicaset]\n');
    const common = { server: url, config, leaderElect: true, logLevel: 'warn' as const, out: () => {} };
    const a = await runControllers({ ...common, identity: 'a' });
    const b = await runControllers({ ...common, identity: 'b' });
    try {
      await eventually(() => a.cluster.manager.isLeader());
      const lease = await cluster.client.get<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' }, 'keelson-controllers', { namespace: 'kube-system' });
      expect(lease.spec?.holderIdentity).toBe('a');
      expect(b.cluster.manager.isLeader()).toBe(false);
      await a.stop();
      await eventually(() => b.cluster.manager.isLeader(), 10_000);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
