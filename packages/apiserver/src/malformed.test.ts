import { connect } from 'node:net';
import { type Cluster, createCluster, silentLogger } from '@keelson/core';
import corePlugin from '@keelson/plugin-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestPath, type ApiServer, createApiServer } from './server.js';

let cluster: Cluster;
let api: ApiServer;
let port: number;

beforeAll(async () => {
  cluster = await createCluster({ plugins: [corePlugin], logger: silentLogger });
  await cluster.start();
  api = createApiServer({ cluster });
  port = (await api.listen(0)).port;
});

afterAll(async () => {
  await api?.close();
  await cluster?.stop();
});

/** Sends raw bytes on a fresh connection; resolves with the first response's status and JSON body. */
function raw(bytes: string, opts: { halfClose?: boolean } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let data = '';
    const timer = setTimeout(() => reject(new Error(`no answer: ${JSON.stringify(data)}`)), 5000);
    socket.on('connect', () => {
      socket.write(bytes);
      if (opts.halfClose) socket.end();
    });
    socket.on('data', (d) => {
      data += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d+)[^]*?\r\ncontent-length: (\d+)\r\n[^]*?\r\n\r\n/i.exec(data);
      if (m && data.length >= m.index + m[0].length + Number(m[2])) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: Number(m[1]), body: JSON.parse(data.slice(m[0].length, m[0].length + Number(m[2]))) as Record<string, unknown> });
      }
    });
    socket.on('error', (err) => reject(err));
    socket.on('close', () => reject(new Error(`closed without a complete answer: ${JSON.stringify(data)}`)));
  });
}

const get = (path: string, headers = '') => raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`);
const post = (path: string, body: string, headers = 'Content-Type: application/json\r\n') => raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
const cm = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

function expectStatus(res: { status: number; body: Record<string, unknown> }, code: number, reason: string): void {
  expect(res.status).toBe(code);
  expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
}

describe('request paths (checked on the raw target, as a Go server sees it)', () => {
  it('400 for bad percent-escapes and dot segments, 404 for empty segments', () => {
    expect(() => requestPath('/api/v1/namespaces/%zz/pods')).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => requestPath('/api/v1/namespaces/default/pods/..')).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => requestPath('/api/v1/namespaces/default/pods/%2e%2e')).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => requestPath('/api//v1/pods')).toThrow(expect.objectContaining({ code: 404 }));
    expect(requestPath('/api/v1/pods/')).toBe('/api/v1/pods');
    expect(requestPath('/api/v1/namespaces/default/configmaps/a%2Fb?x=1')).toBe('/api/v1/namespaces/default/configmaps/a%2Fb');
    expect(requestPath('/')).toBe('/');
  });

  it('answers a bad escape with a 400 Status and keeps serving (the metrics hook threw an uncaught URIError)', async () => {
    expectStatus(await get('/api/v1/namespaces/%zz/pods'), 400, 'BadRequest');
    // /namespaces/default/configmaps/.. was normalised to /namespaces/default and served it.
    expectStatus(await get('/api/v1/namespaces/default/configmaps/..'), 400, 'BadRequest');
    expectStatus(await get('/api//v1/pods'), 404, 'NotFound');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});

describe('headers and query', () => {
  it('415 for a body in another media type or with a malformed Content-Type (it was read as JSON)', async () => {
    expectStatus(await post('/api/v1/namespaces/default/configmaps', cm('t1'), 'Content-Type: text/plain\r\n'), 415, 'UnsupportedMediaType');
    expectStatus(await post('/api/v1/namespaces/default/configmaps', cm('t2'), 'Content-Type: application/json; =x\r\n'), 415, 'UnsupportedMediaType');
    expect((await post('/api/v1/namespaces/default/configmaps', cm('t3'), 'Content-Type: application/json; charset=utf-8\r\n')).status).toBe(201);
  });

  it('406 for an Accept nothing satisfies, 400 for a limit that is not an integer', async () => {
    expectStatus(await get('/api/v1/namespaces', 'Accept: application/xml\r\n'), 406, 'NotAcceptable');
    expectStatus(await get('/api/v1/namespaces', 'Accept: application/json;as=Table;v=v9;g=x\r\n'), 406, 'NotAcceptable');
    expectStatus(await get('/api/v1/namespaces?limit=abc'), 400, 'BadRequest');
    expectStatus(await get('/api/v1/namespaces?resourceVersionMatch=Bogus&resourceVersion=1'), 422, 'Invalid');
  });

  it('413 for a body past 3 MiB (it was a 500)', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024) } });
    expectStatus(await post('/api/v1/namespaces/default/configmaps', big), 413, 'RequestEntityTooLarge');
  });
});

describe('what node HTTP parser refuses is answered with a Status too', () => {
  it('405 for an unknown method and for CONNECT (node answered bare text or dropped the connection)', async () => {
    expectStatus(await raw('BREW /api/v1/pods HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 405, 'MethodNotAllowed');
    expectStatus(await raw('CONNECT /api/v1/pods HTTP/1.1\r\nHost: x\r\n\r\n'), 405, 'MethodNotAllowed');
  });

  it('400 for a garbage or doubled Content-Length and a broken chunked body', async () => {
    const body = cm('cl');
    expectStatus(await raw(`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n${body}`), 400, 'BadRequest');
    expectStatus(await raw(`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n${body}`), 400, 'BadRequest');
    expectStatus(await raw(`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n${body}\r\n0\r\n\r\n`), 400, 'BadRequest');
  });

  it('answers a body cut short by its Content-Length before the garbage after it', async () => {
    const body = cm('short');
    expectStatus(await raw(`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n${body}`), 400, 'BadRequest');
    expectStatus(await raw(`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 50}\r\n\r\n${body}`, { halfClose: true }), 400, 'BadRequest');
  });
});
