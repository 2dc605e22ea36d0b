import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, badRequest } from '@keelson/api';
import type { Cluster } from '@keelson/core';
import { aggregatedDiscovery, aggregatedDiscoveryContentType, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { validateFields } from './field-validation.js';
import { acceptable, bodyMediaTypes, negotiate, parseMediaType } from './negotiation.js';
import { answerMalformed } from './malformed.js';
import { processMetrics } from './metrics.js';
import { notAcceptable, validateQuery } from './query.js';
import { openApiGroupVersion, openApiRoot } from './openapi.js';
import { parseResourcePath } from './request-info.js';
import { handleResource } from './resource-handler.js';
import { sendError, sendJson } from './respond.js';

export interface ApiServerOptions {
  cluster: Cluster;
  /** Reported by /version. */
  gitVersion?: string;
}

export interface ApiServer {
  readonly server: Server;
  /** Listens on host:port (port 0 = ephemeral); resolves with the bound address. */
  listen(port: number, host?: string): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
}

/**
 * The Kubernetes-compatible HTTP API over a cluster's registry: discovery, /version, OpenAPI v3,
 * health, and every registered kind at its REST path, with server-side Tables and watches.
 */
export function createApiServer(opts: ApiServerOptions): ApiServer {
  const { cluster } = opts;
  const gitVersion = opts.gitVersion ?? 'v1.32.4-keelson';
  let address = '127.0.0.1:6443';
  const requests = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = requestPath(req.url ?? '/');
    const get = req.method === 'GET';
    if (get && path === '/version') {
      return sendJson(res, 200, {
        major: '1',
        minor: '32',
        gitVersion,
        gitCommit: 'keelson',
        gitTreeState: 'clean',
        buildDate: '2026-01-01T00:00:00Z',
        goVersion: `node${process.versions.node}`,
        compiler: 'tsc',
        platform: `${process.platform}/${process.arch}`,
      });
    }
    if (get && (path === '/healthz' || path === '/livez' || path === '/readyz')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('ok');
    }
    if (get && path === '/metrics') {
      const lines = ['# HELP apiserver_request_total Counter of apiserver requests broken out by verb, resource and HTTP response code.', '# TYPE apiserver_request_total counter'];
      for (const [k, v] of requests) lines.push(`apiserver_request_total{${k}} ${v}`);
      lines.push(...processMetrics());
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      return void res.end(lines.join('\n') + '\n');
    }
    if (get && (path === '/api' || path === '/apis')) {
      if (negotiate(req).aggregatedDiscovery) return sendJson(res, 200, aggregatedDiscovery(cluster.kinds, path === '/api'), aggregatedDiscoveryContentType);
      return sendJson(res, 200, path === '/api' ? apiVersions(address) : apiGroupList(cluster.kinds));
    }
    if (get && path === '/openapi/v3') return sendJson(res, 200, openApiRoot(cluster.kinds));
    const oapi = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (get && oapi) {
      const doc = oapi[1] ? openApiGroupVersion(cluster.kinds, '', oapi[1]) : openApiGroupVersion(cluster.kinds, oapi[2]!, oapi[3]!);
      if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      return sendJson(res, 200, doc);
    }
    const gv = /^\/(?:api\/([^/]+)|apis\/([^/]+)(?:\/([^/]+))?)$/.exec(path);
    if (get && gv) {
      if (gv[1]) return sendJson(res, 200, gvOrThrow(apiResourceList(cluster.kinds, '', gv[1])));
      if (!gv[3]) {
        const g = apiGroup(cluster.kinds, gv[2]!);
        if (!g) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
        return sendJson(res, 200, g);
      }
      return sendJson(res, 200, gvOrThrow(apiResourceList(cluster.kinds, gv[2]!, gv[3])));
    }
    const info = parseResourcePath(path);
    const kind = info && cluster.kinds.byResource(info.group, info.version, info.resource);
    if (!info || !kind) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    checkResourceRequest(req, url);
    await validateFields(kind, info, req, res, url);
    return handleResource(cluster, kind, info, req, res, url);
  };

  const server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://keelson');
    } catch {
      return sendError(res, new ApiError(400, 'BadRequest', `invalid request URL: ${req.url}`));
    }
    res.on('finish', () => {
      let info: ReturnType<typeof parseResourcePath>;
      try {
        info = parseResourcePath(requestPath(req.url ?? '/'));
      } catch {
        info = undefined; // a malformed path was answered with a 400: count it without a resource
      }
      const key = `verb="${req.method}",resource="${info?.resource ?? ''}",code="${res.statusCode}"`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
    });
    route(req, res, url).catch((err: unknown) => sendError(res, err));
  });
  // Requests node's HTTP parser refuses, and CONNECT, get a Status too (node would drop them or answer bare text).
  server.on('clientError', answerMalformed);
  server.on('connect', (req: IncomingMessage, socket: import('node:net').Socket) => {
    answerMalformed(Object.assign(new Error(`${req.method} is not supported`), { code: 'HPE_INVALID_METHOD' }), socket);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  return {
    server,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const a = server.address() as AddressInfo;
          address = `${a.address}:${a.port}`;
          resolve({ host: a.address, port: a.port, url: `http://${a.address}:${a.port}` });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        // Watches are long-lived: end them so close() does not wait for their timeouts.
        for (const s of sockets) s.destroy();
      });
    },
  };
}

/**
 * The request target's path, still percent-encoded and without trailing slashes, checked as a
 * Go server would: 400 for a bad percent-escape or a "." / ".." segment, 404 for an empty segment.
 */
export function requestPath(target: string): string {
  const raw = target.split(/[?#]/, 1)[0]!;
  if (!raw.startsWith('/')) throw badRequest(`invalid request target ${JSON.stringify(target.slice(0, 100))}`);
  const trimmed = raw.replace(/\/+$/, '') || '/';
  const segments = trimmed.split('/').slice(1);
  for (const seg of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      throw badRequest(`invalid URL escape in path segment ${JSON.stringify(seg.slice(0, 100))}`);
    }
    if (decoded === '.' || decoded === '..') throw badRequest(`invalid path segment ${JSON.stringify(decoded)}: may not be '.' or '..'`);
    if (trimmed !== '/' && seg === '') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  return trimmed;
}

/** Headers and query of a resource request, checked before it runs (415, 406, 400, 422). */
function checkResourceRequest(req: IncomingMessage, url: URL): void {
  const method = req.method ?? 'GET';
  const ctype = req.headers['content-type'];
  if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && ctype) {
    const m = parseMediaType(ctype);
    if (!m || (method !== 'PATCH' && !bodyMediaTypes.includes(m.type))) {
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${bodyMediaTypes.join(', ')}`);
    }
  }
  if (!acceptable(req.headers.accept)) throw notAcceptable(String(req.headers.accept));
  const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  validateQuery(method, url.searchParams, watch);
}

function gvOrThrow<T extends { resources: unknown[] }>(list: T): T {
  if (list.resources.length === 0) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  return list;
}
