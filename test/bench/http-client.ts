/**
 * The load generator of the http benchmark (see http.bench.ts). It runs in a child process so that
 * the client's HTTP parsing and JSON work does not share the API server's event loop; the parent
 * sends one command at a time over IPC and gets the measured figures back.
 */
import { Agent, request } from 'node:http';
import { percentile } from './lib.js';
import { podManifest } from './pod-manifest.js';

export type Command =
  | { cmd: 'create'; ns: string; prefix: string; count: number; clients: number; /** The pod to create (its name is set per pod); default: podManifest. */ manifest?: Record<string, unknown> }
  | { cmd: 'load'; op: 'create' | 'get' | 'list' | 'update'; ns: string; clients: number; durationMs: number; pods: number }
  | { cmd: 'watch'; watchers: number; writes: number; ns: string }
  | { cmd: 'fetch'; path: string; accept?: string; paginate?: number };

export interface LoadResult {
  ops: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  bytes: number;
}

interface Reply {
  status: number;
  body: Buffer;
}

let base = { host: '127.0.0.1', port: 0 };
const now = () => performance.timeOrigin + performance.now();

/** One request on a keep-alive agent; resolves with the whole body. */
function send(agent: Agent, method: string, path: string, body?: string, accept = 'application/json'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: accept };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = request({ ...base, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}


function summarize(latencies: number[], seconds: number, errors: number, bytes: number): LoadResult {
  return { ops: latencies.length, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, bytes };
}

/** Creates count pods named prefix-<i> with `clients` concurrent senders. */
async function createMany(c: Extract<Command, { cmd: 'create' }>): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: c.clients });
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c.clients }, async () => {
      for (let i = next++; i < c.count; i = next++) {
        const t = performance.now();
        const name = `${c.prefix}-${i}`;
        const body = c.manifest ? { ...c.manifest, metadata: { ...(c.manifest.metadata as object), name, namespace: c.ns } } : podManifest(c.ns, name);
        const r = await send(agent, 'POST', `/api/v1/namespaces/${c.ns}/pods`, JSON.stringify(body));
        latencies.push(performance.now() - t);
        if (r.status !== 201) errors++;
      }
    }),
  );
  agent.destroy();
  return summarize(latencies, (performance.now() - t0) / 1000, errors, 0);
}

/** `clients` closed-loop clients doing one operation for durationMs (requests started before the deadline count). */
async function load(c: Extract<Command, { cmd: 'load' }>): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: c.clients });
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  let seq = 0;
  const podsPath = `/api/v1/namespaces/${c.ns}/pods`;
  // Updates: each client owns one pod and PUTs back what the server returned, with its resourceVersion.
  const owned = new Map<number, Record<string, { metadata: { annotations: Record<string, string> } }>>();
  if (c.op === 'update') {
    for (let k = 0; k < c.clients; k++) {
      const r = await send(agent, 'GET', `${podsPath}/pod-${k}`);
      owned.set(k, JSON.parse(r.body.toString('utf8')));
    }
  }
  const t0 = performance.now();
  const deadline = t0 + c.durationMs;
  await Promise.all(
    Array.from({ length: c.clients }, async (_, k) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        let r: Reply;
        if (c.op === 'create') {
          const name = `c${c.clients}-${process.pid}-${seq++}`;
          r = await send(agent, 'POST', podsPath, JSON.stringify(podManifest(c.ns, name)));
        } else if (c.op === 'get') {
          r = await send(agent, 'GET', `${podsPath}/pod-${Math.floor(Math.random() * c.pods)}`);
        } else if (c.op === 'list') {
          r = await send(agent, 'GET', podsPath);
        } else {
          const pod = owned.get(k)!;
          pod.metadata.annotations['bench/seq'] = String(seq++);
          r = await send(agent, 'PUT', `${podsPath}/pod-${k}`, JSON.stringify(pod));
          if (r.status === 200) owned.set(k, JSON.parse(r.body.toString('utf8')));
        }
        latencies.push(performance.now() - t);
        bytes += r.body.length;
        if (r.status >= 300) errors++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return summarize(latencies, seconds, errors, bytes);
}

export interface WatchResult {
  delivered: number;
  expected: number;
  seconds: number;
  writesPerSecond: number;
  p50: number;
  p99: number;
}

/**
 * W watchers on the cluster-wide pods collection (from the current resourceVersion, with bookmarks,
 * as an informer asks) while one writer alternately creates a pod and updates it. Each pod carries
 * the write time in an annotation; every watcher parses every event line and records write→delivery.
 */
async function watch(c: Extract<Command, { cmd: 'watch' }>): Promise<WatchResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: c.watchers + 1 });
  const writer = new Agent({ keepAlive: true, maxSockets: 1 });
  const rv = (JSON.parse((await send(writer, 'GET', '/api/v1/pods?limit=1')).body.toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const latencies: number[] = [];
  const expected = c.watchers * c.writes;
  let delivered = 0;
  let lastDelivery = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const reqs = await Promise.all(
    Array.from(
      { length: c.watchers },
      (_, w) =>
        new Promise<ReturnType<typeof request>>((resolve, reject) => {
          const req = request({ ...base, method: 'GET', path: `/api/v1/pods?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`, agent }, (res) => {
            let partial = '';
            res.on('error', () => {});
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              const lines = (partial + chunk).split('\n');
              partial = lines.pop()!;
              const at = now();
              for (const line of lines) {
                const e = JSON.parse(line) as { type: string; object: { metadata: { namespace?: string; annotations?: Record<string, string> } } };
                if (e.type === 'BOOKMARK' || e.object.metadata.namespace !== c.ns) continue;
                const ts = Number(e.object.metadata.annotations?.['bench/written-at']);
                // Sample latencies on up to 10 watchers (all of them see the same deliveries).
                if (w < 10) latencies.push(at - ts);
                lastDelivery = at;
                if (++delivered === expected) resolveAll();
              }
            });
            resolve(req);
          });
          req.on('error', (err) => {
            if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
          });
          req.end();
        }),
    ),
  );
  const t0 = now();
  const podsPath = `/api/v1/namespaces/${c.ns}/pods`;
  let last: { metadata: { annotations: Record<string, string> } } | undefined;
  for (let i = 0; i < c.writes; i++) {
    const ts = String(now());
    if (i % 2 === 0) {
      const r = await send(writer, 'POST', podsPath, JSON.stringify(podManifest(c.ns, `w${c.watchers}-${i}`, { 'bench/written-at': ts })));
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.body.toString('utf8')}`);
      last = JSON.parse(r.body.toString('utf8'));
    } else {
      last!.metadata.annotations['bench/written-at'] = ts;
      const r = await send(writer, 'PUT', `${podsPath}/w${c.watchers}-${i - 1}`, JSON.stringify(last));
      if (r.status !== 200) throw new Error(`update failed: ${r.status} ${r.body.toString('utf8')}`);
    }
  }
  const writeSeconds = (now() - t0) / 1000;
  await Promise.race([all, new Promise((r) => setTimeout(r, 30_000))]);
  for (const r of reqs) r.destroy();
  agent.destroy();
  writer.destroy();
  return {
    delivered,
    expected,
    seconds: (lastDelivery - t0) / 1000,
    writesPerSecond: c.writes / writeSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/** One timed GET (or all pages of a paginated LIST): time to the last byte (without the client's parse), bytes, items. */
async function fetchTimed(c: Extract<Command, { cmd: 'fetch' }>): Promise<{ ms: number; parseMs: number; bytes: number; items: number; requests: number; status: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let bytes = 0;
  let items = 0;
  let requests = 0;
  let cont: string | undefined;
  let status = 0;
  let parseMs = 0;
  const t0 = performance.now();
  do {
    const sep = c.path.includes('?') ? '&' : '?';
    const path = c.paginate ? `${c.path}${sep}limit=${c.paginate}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}` : c.path;
    const r = await send(agent, 'GET', path, undefined, c.accept);
    requests++;
    status = r.status;
    bytes += r.body.length;
    const tp = performance.now();
    const body = JSON.parse(r.body.toString('utf8')) as { items?: unknown[]; rows?: unknown[]; metadata?: { continue?: string } };
    parseMs += performance.now() - tp;
    items += (body.items ?? body.rows ?? []).length;
    cont = c.paginate ? body.metadata?.continue : undefined;
  } while (cont);
  // The client's own JSON.parse is not part of the figure (it is reported apart).
  const ms = performance.now() - t0 - parseMs;
  agent.destroy();
  return { ms, parseMs, bytes, items, requests, status };
}

process.on('message', (msg: { id: number; url?: string; command?: Command }) => {
  const run = async (): Promise<unknown> => {
    if (msg.url) {
      const u = new URL(msg.url);
      base = { host: u.hostname, port: Number(u.port) };
      return 'ok';
    }
    const c = msg.command!;
    if (c.cmd === 'create') return createMany(c);
    if (c.cmd === 'load') return load(c);
    if (c.cmd === 'watch') return watch(c);
    return fetchTimed(c);
  };
  run().then(
    (result) => process.send!({ id: msg.id, result }),
    (err: unknown) => process.send!({ id: msg.id, error: String((err as Error)?.stack ?? err) }),
  );
});
