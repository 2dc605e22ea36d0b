/**
 * Malformed input never crashes the server: over a thousand invalid requests generated from a
 * seeded PRNG (bodies, patches, paths, query strings, headers, methods) against a real keelson
 * API server over raw TCP. Every answer must be a 4xx with a meta/v1 Status body whose code is
 * the HTTP status; no 5xx, no dropped connection, no hang; and the server still serves after.
 *
 * The seed is fixed unless KEELSON_FUZZ_SEED is set (a number replays that run, "random" draws
 * one); it is printed at the start and in the failure message. Each request also reproduces alone
 * from (seed, index), see requestRng. KEELSON_FUZZ_REQUESTS changes the count (default 1500).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NS, typed, targets } from './fuzz/bodies.js';
import { type RawResult, send } from './fuzz/raw-http.js';
import { type FuzzRequest, generate } from './fuzz/requests.js';
import { requestRng } from './fuzz/rng.js';

const REQUESTS = Number(process.env.KEELSON_FUZZ_REQUESTS ?? 1500);
const CONCURRENCY = 20;
// A fixed seed by default so the suite is deterministic; KEELSON_FUZZ_SEED=<n> replays a run, =random explores.
const DEFAULT_SEED = 20261123;
const seedEnv = process.env.KEELSON_FUZZ_SEED;
const seed = seedEnv === 'random' ? (Date.now() ^ (process.pid << 16)) >>> 0 : seedEnv ? Number(seedEnv) >>> 0 : DEFAULT_SEED;

const dir = mkdtempSync(join(tmpdir(), 'keelson-fuzz-'));
let cluster: RunningCluster;
let port: number;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(cluster.url + path, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
  port = Number(new URL(cluster.url).port);
  // Fixtures every PUT/PATCH/DELETE aims at, so invalid writes reach past the not-found check.
  expect((await api('POST', '/api/v1/namespaces', typed(targets.find((t) => t.resource === 'namespaces')!, NS))).status).toBe(201);
  for (const t of targets.filter((t) => t.resource !== 'namespaces')) {
    const res = await api('POST', t.collection, typed(t, t.fixture));
    expect(res.status, JSON.stringify(res.json)).toBe(201);
  }
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Why an answer is not a proper 4xx Status, or undefined when it is. */
function problem(result: RawResult): string | undefined {
  if (result.kind === 'timeout') return `no response within the timeout (${result.bytes} bytes received)`;
  if (result.kind === 'dropped') return `connection dropped: ${result.error} (${result.bytes} bytes received)`;
  const { status, headers, body } = result;
  const text = body.toString('utf8');
  if (status < 400 || status > 499) return `HTTP ${status}: ${text.slice(0, 300)}`;
  if (!/^application\/json\b/.test(headers['content-type'] ?? '')) return `HTTP ${status} with Content-Type ${headers['content-type']}: ${text.slice(0, 200)}`;
  let s: Record<string, unknown>;
  try {
    s = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  if (s.kind !== 'Status' || s.apiVersion !== 'v1' || s.status !== 'Failure') return `HTTP ${status} with a body that is not a Failure Status: ${text.slice(0, 200)}`;
  if (s.code !== status) return `HTTP ${status} but Status.code ${String(s.code)}`;
  if (typeof s.reason !== 'string' || !s.reason) return `HTTP ${status} with Status.reason ${JSON.stringify(s.reason)}`;
  if (typeof s.message !== 'string') return `HTTP ${status} with Status.message ${JSON.stringify(s.message)}`;
  return undefined;
}

function describeRequest(i: number, r: FuzzRequest): string {
  const path = r.path.length > 120 ? `${r.path.slice(0, 120)}…(${r.path.length})` : r.path;
  const headers = (r.headers ?? []).map(([k, v]) => `${k}: ${v.slice(0, 80)}`).join('; ');
  return `#${i} [${r.family}] ${r.method} ${path} {${headers}} body ${r.body?.length ?? 0} B — ${r.note.slice(0, 160)}`;
}

describe('malformed input never crashes the server', () => {
  it(`answers ${REQUESTS} invalid requests with 4xx Status bodies`, { timeout: 120_000 }, async () => {
    console.log(`malformed-input fuzz: KEELSON_FUZZ_SEED=${seed}, ${REQUESTS} requests, ${CONCURRENCY} at a time`);
    const failures: string[] = [];
    const codes = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const req = generate(requestRng(seed, i));
        const result = await send(port, req);
        if (result.kind === 'response') codes.set(result.status, (codes.get(result.status) ?? 0) + 1);
        const why = problem(result);
        if (why) failures.push(`${describeRequest(i, req)}\n    → ${why}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(`malformed-input fuzz: status codes ${JSON.stringify(Object.fromEntries([...codes].sort(([a], [b]) => a - b)))}`);
    // KEELSON_FUZZ_REPORT=<file> keeps every bad answer, not only the first ones in the assertion message.
    if (process.env.KEELSON_FUZZ_REPORT) writeFileSync(process.env.KEELSON_FUZZ_REPORT, failures.join('\n') + '\n');
    expect(failures.length, `seed ${seed}: ${failures.length} bad answers, e.g.\n${failures.slice(0, 25).join('\n')}`).toBe(0);
  });

  it('still serves afterwards: /healthz, and a valid create + get', async () => {
    const health = await fetch(`${cluster.url}/healthz`);
    expect(health.status).toBe(200);
    const cm = targets.find((t) => t.resource === 'configmaps')!;
    const created = await api('POST', cm.collection, typed(cm, 'after-fuzz'));
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const got = await api('GET', `${cm.collection}/after-fuzz`);
    expect(got.status).toBe(200);
    expect(got.json.data).toEqual({ a: 'b' });
    // The fixtures survived: no invalid request deleted or replaced them.
    for (const t of targets) {
      const path = t.resource === 'namespaces' ? `/api/v1/namespaces/${NS}` : `${t.collection}/${t.fixture}`;
      const res = await api('GET', path);
      expect(res.status, path).toBe(200);
      expect((res.json.metadata as { labels?: Record<string, string> }).labels?.fuzz, path).toBeUndefined();
    }
  });
});
