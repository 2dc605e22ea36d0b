/**
 * Crash safety of `keelson up` on the SQLite store: a child `keelson up` process under 100
 * concurrent HTTP writers is killed with SIGKILL at random moments, ROUNDS times. After each
 * restart every acknowledged (2xx) write is there, nothing unacknowledged is half-present,
 * resourceVersions never go backwards, and a watch resumed from the last resourceVersion it saw
 * misses nothing: its whole history is checked against the store's own log at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@keelson/core';
import { DATABASE_FILE, SqliteStore } from '@keelson/plugin-store-sqlite';
import { checkWatchHistory, type ObservedEvent, readStoreLog } from '@keelson/testing';
import { afterAll, describe, expect, it } from 'vitest';

const ROUNDS = 10;
const WRITERS = 100;
const NS = 'crash';
const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'keelson-crash-'));
const dataDir = join(dir, 'data');
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `keelson up` on the data directory and resolves with its URL. */
async function start(): Promise<string> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', join(root, 'packages', 'cli', 'src', 'bin.ts'), 'up', '--port', '0', '--store', `sqlite:${dataDir}`, '--kubeconfig', join(dir, 'kubeconfig'), '--log-level', 'error'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = proc;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`keelson up did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /keelson is up at (http:\/\/\S+):/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code, signal) => reject(new Error(`keelson up exited (${code ?? signal}):\n${output}`)));
  });
}

async function kill(): Promise<void> {
  const proc = child!;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

async function stopGracefully(): Promise<void> {
  const proc = child!;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

interface ConfigMap {
  metadata: { name: string; namespace?: string; resourceVersion: string };
  data?: Record<string, string>;
}

const json = { 'content-type': 'application/json', accept: 'application/json' };

/** A watch on the namespace's ConfigMaps that records every event, from `rv` on, until aborted. */
function watch(url: string, rv: string, seen: ObservedEvent[], onRv: (rv: string) => void): { abort(): void; done: Promise<void>; failure: () => string | undefined } {
  const ctl = new AbortController();
  let failure: string | undefined;
  const done = (async () => {
    try {
      const res = await fetch(`${url}/api/v1/namespaces/${NS}/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`, { signal: ctl.signal });
      if (res.status !== 200) {
        failure = `watch from ${rv}: HTTP ${res.status} ${await res.text()}`;
        return;
      }
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (!line.trim()) continue;
          const ev = JSON.parse(line) as { type: string; object: ConfigMap & { message?: string } };
          if (ev.type === 'ERROR') failure = `watch ERROR: ${ev.object.message}`;
          else if (ev.type === 'BOOKMARK') onRv(ev.object.metadata.resourceVersion);
          else {
            seen.push({ type: ev.type as ObservedEvent['type'], resourceVersion: ev.object.metadata.resourceVersion, namespace: ev.object.metadata.namespace, name: ev.object.metadata.name });
            onRv(ev.object.metadata.resourceVersion);
          }
        }
      }
    } catch {
      // The server was killed (or the test aborted): the caller resumes from the last RV seen.
    }
  })();
  return { abort: () => ctl.abort(), done, failure: () => failure };
}

describe('keelson up on SQLite, killed with SIGKILL under 100 concurrent writers', () => {
  it(`keeps every acknowledged write and a gap-free watch history over ${ROUNDS} crashes`, async () => {
    let url = await start();
    expect((await fetch(`${url}/api/v1/namespaces`, { method: 'POST', headers: json, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }) })).status).toBe(201);
    const initial = (await (await fetch(`${url}/api/v1/namespaces/${NS}/configmaps`)).json()) as { metadata: { resourceVersion: string } };
    const startRevision = Number(initial.metadata.resourceVersion);

    const acked = new Map<string, { rv: number; value: string }>(); // acknowledged creates
    const counterAcked = new Map<string, number>(); // highest acknowledged counter value per counter
    const counterTried = new Map<string, number>(); // highest attempted counter value per counter
    let maxAckedRv = startRevision;
    const seen: ObservedEvent[] = [];
    let lastSeenRv = String(startRevision);
    const trackRv = (rv: string) => (lastSeenRv = rv);
    const failures: string[] = [];
    let totalAcked = 0;

    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) url = await start();
      // resourceVersions never go backwards across a restart.
      const list = (await (await fetch(`${url}/api/v1/namespaces/${NS}/configmaps`)).json()) as { metadata: { resourceVersion: string }; items: ConfigMap[] };
      expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(maxAckedRv);
      const w = watch(url, lastSeenRv, seen, trackRv);
      let alive = true;
      const writers = Array.from({ length: WRITERS }, async (_, i) => {
        for (let seq = 0; alive; seq++) {
          try {
            if (seq % 4 === 3) {
              const name = `counter-${i}`;
              const n = (counterTried.get(name) ?? 0) + 1;
              counterTried.set(name, n);
              const created = !counterAcked.has(name) && n === 1;
              const res = created
                ? await fetch(`${url}/api/v1/namespaces/${NS}/configmaps`, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name }, data: { n: String(n) } }) })
                : await fetch(`${url}/api/v1/namespaces/${NS}/configmaps/${name}`, { method: 'PATCH', headers: { ...json, 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ data: { n: String(n) } }) });
              if (res.ok) {
                const cm = (await res.json()) as ConfigMap;
                counterAcked.set(name, n);
                maxAckedRv = Math.max(maxAckedRv, Number(cm.metadata.resourceVersion));
                totalAcked++;
              } else if (res.status !== 404 && res.status !== 409) failures.push(`${name}: HTTP ${res.status}`);
            } else {
              const name = `w${i}-r${round}-${seq}`;
              const value = `${name}:${'x'.repeat(64)}`;
              const res = await fetch(`${url}/api/v1/namespaces/${NS}/configmaps`, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name }, data: { value } }) });
              if (res.ok) {
                const cm = (await res.json()) as ConfigMap;
                acked.set(name, { rv: Number(cm.metadata.resourceVersion), value });
                maxAckedRv = Math.max(maxAckedRv, Number(cm.metadata.resourceVersion));
                totalAcked++;
              } else failures.push(`${name}: HTTP ${res.status} ${await res.text()}`);
            }
          } catch {
            return; // connection refused or reset: the server is gone
          }
        }
      });
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 1200)));
      await kill();
      alive = false;
      await Promise.all(writers);
      w.abort();
      await w.done;
      if (w.failure()) failures.push(w.failure()!);
    }

    // The last restart: everything acknowledged is there, whole; nothing is half-present.
    url = await start();
    const final = (await (await fetch(`${url}/api/v1/namespaces/${NS}/configmaps`)).json()) as { metadata: { resourceVersion: string }; items: ConfigMap[] };
    expect(Number(final.metadata.resourceVersion)).toBeGreaterThanOrEqual(maxAckedRv);
    const present = new Map(final.items.map((cm) => [cm.metadata.name, cm]));
    for (const [name, { value }] of acked) expect(present.get(name)?.data?.value, `acknowledged create ${name}`).toBe(value);
    for (const cm of final.items) {
      const name = cm.metadata.name;
      if (name.startsWith('counter-')) {
        const n = Number(cm.data?.n);
        expect(n).toBeGreaterThanOrEqual(counterAcked.get(name) ?? 1);
        expect(n).toBeLessThanOrEqual(counterTried.get(name)!);
      } else {
        // An unacknowledged create may or may not have landed, but never partly.
        expect(cm.data?.value, name).toBe(`${name}:${'x'.repeat(64)}`);
      }
    }
    for (const name of counterAcked.keys()) expect(present.has(name), name).toBe(true);
    expect(failures).toEqual([]);

    // The resumed watch catches up to the end, then its whole history is checked against the log.
    const w = watch(url, lastSeenRv, seen, trackRv);
    const marker = (await (
      await fetch(`${url}/api/v1/namespaces/${NS}/configmaps`, { method: 'POST', headers: json, body: JSON.stringify({ metadata: { name: 'marker' } }) })
    ).json()) as ConfigMap;
    for (let i = 0; i < 200 && Number(lastSeenRv) < Number(marker.metadata.resourceVersion); i++) await new Promise((r) => setTimeout(r, 50));
    w.abort();
    await w.done;
    await stopGracefully();

    const store = new SqliteStore({ file: join(dataDir, DATABASE_FILE), clock: new FakeClock() });
    try {
      const log = (await readStoreLog(store, '/registry/core/configmaps/', startRevision)).filter((e) => e.id.startsWith(`${NS}/`));
      const report = checkWatchHistory(seen, log, startRevision);
      expect(report.problems).toEqual([]);
      expect(report.logged).toBeGreaterThan(ROUNDS);
      console.log(`crash safety: ${ROUNDS} SIGKILLs, ${totalAcked} acknowledged writes, ${acked.size} creates kept, watch history of ${report.observed} events checked against the log`);
    } finally {
      await store.close();
    }
  }, 600_000);
});
