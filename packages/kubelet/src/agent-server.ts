import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ApiError, isApiError } from '@keelson/api';
import { type NodeAgentEndpoint, parsePodLogOptions, writeStream } from '@keelson/core';

/** The node agent's own HTTP endpoint, as `serveNodeAgent` started it. */
export interface NodeAgentServer {
  readonly host: string;
  /** The bound port (published as status.daemonEndpoints.kubeletEndpoint.Port). */
  readonly port: number;
  close(): Promise<void>;
}

function sendStatus(res: ServerResponse, err: unknown): void {
  const e = isApiError(err) ? err : new ApiError(500, 'InternalError', err instanceof Error ? err.message : String(err));
  if (res.headersSent) return void res.end();
  const body = JSON.stringify(e.status);
  res.writeHead(e.status.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function handle(agent: NodeAgentEndpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent');
  if (req.method === 'GET' && url.pathname === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return void res.end('ok');
  }
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (req.method !== 'GET' || !m) throw new ApiError(404, 'NotFound', `${req.method} ${url.pathname} is not served by this node agent`);
  const [namespace, podName, containerName] = m.slice(1).map(decodeURIComponent) as [string, string, string];
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
  const { container: _c, ...options } = parsePodLogOptions(podName, query);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const uid = req.headers['x-keelson-pod-uid'];
  const body = await agent.containerLogs({ namespace, podName, containerName, options, ...(typeof uid === 'string' ? { podUID: uid } : {}) }, abort.signal);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  if (options.follow) res.flushHeaders();
  await writeStream(res, body, abort.signal);
}

/**
 * The node agent's HTTP server (the kubelet's port, read-only part): GET
 * /containerLogs/{namespace}/{pod}/{container} with the pods/log query parameters, answered as
 * text (chunked, followed when asked) or a Status; GET /healthz. The API server proxies pods/log
 * here for agents that do not run in its process. No authentication: bind it to the node's
 * loopback address only.
 */
export function serveNodeAgent(agent: NodeAgentEndpoint, host: string, port = 0): Promise<NodeAgentServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(agent, req, res).catch((err: unknown) => sendStatus(res, err));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      resolve({
        host: a.address,
        port: a.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Followed logs are long-lived: end them.
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}
