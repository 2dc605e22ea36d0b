/**
 * Crash safety of the durable stores behind a real API server process: see crash-harness.ts.
 * SQLite: the `keelson up` process is killed. etcd: the `keelson server` process is killed, and
 * separately the etcd process. 10 rounds each, as the issue asks (KEELSON_CRASH_ROUNDS=N for
 * another count).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EtcdStore } from '@keelson/plugin-store-etcd';
import { type EtcdProcess, etcdTestsEnabled, startEtcd, storeLog } from '@keelson/testing';
import { afterAll, describe, it } from 'vitest';
import { type CliProcess, startCli } from './cli-process.js';
import { CONFIGMAP_PREFIX, runCrashRounds } from './crash-harness.js';

const rounds = (ci: number) => Number(process.env.KEELSON_CRASH_ROUNDS ?? ci);
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-crash-'));
const running = new Set<CliProcess>();
const etcds: EtcdProcess[] = [];

afterAll(async () => {
  await Promise.all([...running].map((p) => p.stop()));
  await Promise.all(etcds.map((e) => e.stop()));
  rmSync(dir, { recursive: true, force: true });
});

/** A keelson process that the target (re)starts and kills by pid. */
/** The history of the test namespace's ConfigMaps, read from etcd itself. */
async function etcdHistory(etcd: EtcdProcess, after: number, upTo: number) {
  const store = new EtcdStore({ endpoints: [etcd.endpoint] });
  try {
    return (await storeLog(store, CONFIGMAP_PREFIX, after, upTo)).map((e) => ({ ...e, key: `crash/${e.key.slice(CONFIGMAP_PREFIX.length)}` }));
  } finally {
    await store.close();
  }
}

function keelson(command: 'up' | 'server', store: string, kubeconfig: string) {
  let proc: CliProcess | undefined;
  return {
    async start() {
      proc = await startCli(command, ['--store', store], kubeconfig);
      running.add(proc);
      return proc.url;
    },
    async kill() {
      await proc?.kill();
      if (proc) running.delete(proc);
      proc = undefined;
    },
  };
}

describe('crash safety', () => {
  it('SQLite: keelson up killed with SIGKILL under 100 writers', { timeout: 300_000 }, async () => {
    const k = keelson('up', `sqlite:${join(dir, 'sqlite')}`, join(dir, 'sqlite.kubeconfig'));
    await runCrashRounds({ start: k.start, crash: k.kill, recover: k.start }, { rounds: rounds(10), killAfterMs: [0, 700] });
    await k.kill();
  });

  describe.skipIf(!etcdTestsEnabled())('etcd', () => {
    it('keelson server killed with SIGKILL under 100 writers', { timeout: 300_000 }, async () => {
      const etcd = await startEtcd();
      etcds.push(etcd);
      const k = keelson('server', etcd.url, join(dir, 'etcd-a.kubeconfig'));
      const history = (after: number, upTo: number) => etcdHistory(etcd, after, upTo);
      await runCrashRounds({ start: k.start, crash: k.kill, recover: k.start, history }, { rounds: rounds(10), killAfterMs: [0, 700] });
      await k.kill();
    });

    it('etcd killed with SIGKILL under 100 writers, the API server staying up', { timeout: 300_000 }, async () => {
      const etcd = await startEtcd();
      etcds.push(etcd);
      const k = keelson('server', etcd.url, join(dir, 'etcd-b.kubeconfig'));
      let url = '';
      await runCrashRounds(
        {
          start: async () => (url = await k.start()),
          crash: () => etcd.kill('SIGKILL'),
          recover: async () => {
            await etcd.restart();
            // The etcd client backs off after failures (a circuit breaker): the server answers
            // 500 for a few seconds, as kube-apiserver does while etcd is away; clients retry.
            const deadline = Date.now() + 30_000;
            for (;;) {
              const res = await fetch(`${url}/api/v1/namespaces`).catch(() => undefined);
              await res?.body?.cancel();
              if (res?.status === 200) return url;
              if (Date.now() > deadline) throw new Error(`the API server did not recover after etcd came back (last status ${res?.status})`);
              await new Promise((r) => setTimeout(r, 200));
            }
          },
          history: (after, upTo) => etcdHistory(etcd, after, upTo),
        },
        { rounds: rounds(10), killAfterMs: [0, 700] },
      );
      await k.kill();
    });
  });
});
