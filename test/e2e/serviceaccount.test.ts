/**
 * Real kubectl (v1.32) against `keelson up`: every namespace has the ServiceAccount "default", and
 * pods run as it with the kube-api-access volume mounted, as `kubectl describe pod` shows them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@keelson/testing';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-sa-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 30_000 });
  return stdout;
}

beforeAll(async () => {
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('service accounts', () => {
  it('a new namespace has the "default" ServiceAccount; -A lists every namespace\'s', async () => {
    await kubectl('create', 'ns', 'sa1');
    const out = await eventually(async () => {
      const o = await kubectl('get', 'sa', '-n', 'sa1');
      return o.includes('default') && o;
    }, 10_000);
    expect(out).toMatch(/^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+\S+\n$/);
    const all = await kubectl('get', 'sa', '-A', '--no-headers');
    for (const ns of ['default', 'kube-system', 'kube-public', 'sa1']) expect(all).toMatch(new RegExp(`^${ns}\\s+default\\s+0\\s`, 'm'));
  });

  it('kubectl run: the pod runs as "default" with the kube-api-access volume and mount', async () => {
    await kubectl('create', 'ns', 'sa2');
    // No waiting for the controller: the admission makes "default" itself if it is not there yet.
    await kubectl('run', 'web', '-n', 'sa2', '--image=nginx');
    const pod = JSON.parse(await kubectl('get', 'pod', 'web', '-n', 'sa2', '-o', 'json'));
    expect(pod.spec.serviceAccountName).toBe('default');
    expect(pod.spec.serviceAccount).toBe('default');
    const volume = pod.spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
    expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume.projected).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    const describe = await kubectl('describe', 'pod', 'web', '-n', 'sa2');
    expect(describe).toMatch(/^Service Account:\s+default$/m);
    expect(describe).toContain(`/var/run/secrets/kubernetes.io/serviceaccount from ${volume.name} (ro)`);
    expect(describe).toMatch(new RegExp(`^  ${volume.name}:\\n    Type:\\s+Projected \\(a volume that contains injected data from multiple sources\\)\\n    TokenExpirationSeconds:\\s+3607\\n    ConfigMapName:\\s+kube-root-ca.crt\\n    ConfigMapOptional:\\s+<nil>\\n    DownwardAPI:\\s+true$`, 'm'));
  });

  it('a missing account is refused with kube\'s 403', async () => {
    await kubectl('create', 'ns', 'sa3');
    const err = await kubectl('run', 'web', '-n', 'sa3', '--image=nginx', '--overrides={"spec":{"serviceAccountName":"builder"}}').then(
      () => '',
      (e: { stderr: string }) => e.stderr,
    );
    expect(err).toContain('Error from server (Forbidden): pods "web" is forbidden: error looking up service account sa3/builder: serviceaccount "builder" not found');
  });
});
