import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNotFound, isResourceExpired, notFound, resourceExpired } from '@keelson/api';
import type { WatchEvent } from '@keelson/core';
import { eventually } from '@keelson/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './http-client.js';

/** A scripted server: what a real kube-apiserver (or a proxy in front of it) may send. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, requests };
}

const open: { server: Server; client: HttpClient }[] = [];
afterEach(async () => {
  for (const { server, client } of open.splice(0)) {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

async function setup(handler: (req: IncomingMessage, res: ServerResponse) => void, opts: { token?: string } = {}) {
  const s = await serve(handler);
  const client = new HttpClient({ server: s.url, ...opts });
  open.push({ server: s.server, client });
  return { ...s, client };
}

const json = (res: ServerResponse, code: number, body: unknown, type = 'application/json') => {
  res.writeHead(code, { 'Content-Type': type });
  res.end(JSON.stringify(body));
};

const podList = { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [{ name: 'pods', kind: 'Pod', namespaced: true, verbs: ['get'] }, { name: 'pods/status', kind: 'Pod', namespaced: true }] };

describe('HttpClient against a scripted server', () => {
  it('resolves kinds from the legacy discovery documents when aggregated discovery is not offered, once', async () => {
    const { client, requests } = await setup((req, res) => {
      if (req.url === '/api' || req.url === '/apis') return json(res, 200, req.url === '/api' ? { kind: 'APIVersions', versions: ['v1'] } : { kind: 'APIGroupList', groups: [] });
      if (req.url === '/api/v1') return json(res, 200, podList);
      if (req.url === '/api/v1/namespaces/d/pods/web') return json(res, 200, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'd' } });
      json(res, 404, notFound({ group: '', resource: 'pods' }, 'x').status);
    });
    expect((await client.get({ apiVersion: 'v1', kind: 'Pod' }, 'web', { namespace: 'd' })).metadata.name).toBe('web');
    expect((await client.get({ apiVersion: 'v1', kind: 'Pod' }, 'web', { namespace: 'd' })).metadata.name).toBe('web');
    expect(requests.map((r) => r.url)).toEqual(['/api', '/api/v1', '/api/v1/namespaces/d/pods/web', '/api/v1/namespaces/d/pods/web']);
    const err = await client.get({ apiVersion: 'v1', kind: 'Secret' }, 'x', { namespace: 'd' }).catch((e: unknown) => e);
    expect(isNotFound(err)).toBe(true);
  });

  it('asks for discovery again after the server was unreachable', async () => {
    const { client, server, url, requests } = await setup((req, res) => {
      if (req.url === '/api') return json(res, 200, { kind: 'APIGroupDiscoveryList', items: [{ metadata: { name: '' }, versions: [{ version: 'v1', resources: [{ resource: 'pods', responseKind: { kind: 'Pod' }, scope: 'Namespaced' }] }] }] }, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      if (req.url === '/apis') return json(res, 200, { kind: 'APIGroupDiscoveryList', items: [] }, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      json(res, 200, { kind: 'PodList', metadata: {}, items: [] });
    });
    const port = Number(new URL(url).port);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await expect(client.list({ apiVersion: 'v1', kind: 'Pod' })).rejects.toThrow(/ECONNREFUSED/);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    expect((await client.list({ apiVersion: 'v1', kind: 'Pod' })).kind).toBe('PodList');
    expect(requests.map((r) => r.url)).toEqual(['/api', '/apis', '/api/v1/pods']);
  });

  it('sends the bearer token, a keelson User-Agent and JSON; keeps the connection alive', async () => {
    const { client, requests } = await setup((req, res) => json(res, 200, { kind: 'Status', status: 'Success', code: 201 }), { token: 's3cret' });
    const kind = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true };
    await client.postSubresource(kind, 'p', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' } }, { namespace: 'd', dryRun: true });
    await client.postSubresource(kind, 'p', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' } }, { namespace: 'd' });
    expect(requests[0]!.headers).toMatchObject({ authorization: 'Bearer s3cret', accept: 'application/json', 'content-type': 'application/json' });
    expect(requests[0]!.headers['user-agent']).toMatch(/^keelson\//);
    expect(requests[0]!.url).toBe('/api/v1/namespaces/d/pods/p/binding?dryRun=All');
    expect(requests[0]!.socket.remotePort).toBe(requests[1]!.socket.remotePort);
  });

  it('delivers ERROR events of a 200 watch stream to the handler (410 as kube-apiserver streams it)', async () => {
    const { client } = await setup((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'a', resourceVersion: '5' } } }) + '\n{"type":"ERR');
      setTimeout(() => res.end(`OR","object":${JSON.stringify(resourceExpired('too old resource version: 1 (5)').status)}}\n`), 20);
    });
    const events: WatchEvent[] = [];
    const handle = await client.watch({ group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true }, { resourceVersion: '1' }, (e) => void events.push(e));
    await handle.done;
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'ERROR']);
    expect(events[1]!.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('rejects a refused watch with the ApiError and ends `done` with an error when the connection breaks', async () => {
    let mode = 'refuse';
    const { client, requests } = await setup((req, res) => {
      if (mode === 'refuse') return json(res, 410, resourceExpired().status);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const kind = { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true };
    const refused = await client.watch(kind, { namespace: 'd', resourceVersion: '3', allowWatchBookmarks: true, timeoutSeconds: 30, labelSelector: 'a=b' }, () => {}).catch((e: unknown) => e);
    expect(isResourceExpired(refused)).toBe(true);
    expect(requests[0]!.url).toBe('/apis/apps/v1/namespaces/d/deployments?watch=true&labelSelector=a%3Db&resourceVersion=3&allowWatchBookmarks=true&timeoutSeconds=30');
    mode = 'break';
    const events: WatchEvent[] = [];
    const handle = await client.watch(kind, { resourceVersion: '3' }, (e) => void events.push(e));
    await expect(handle.done).rejects.toThrow(/closed mid-stream|socket hang up|aborted|ECONNRESET/);
    expect(events).toHaveLength(1);
  });

  it('keeps watches in their own connection pool: 80 open watches do not hold up a request', async () => {
    const { client } = await setup((req, res) => {
      if (req.url?.includes('watch=true')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.flushHeaders();
      }
      json(res, 200, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' } });
    });
    const kind = { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true };
    const handles = await Promise.all(Array.from({ length: 80 }, () => client.watch(kind, { namespace: 'd' }, () => {})));
    expect((await client.get(kind, 'p', { namespace: 'd' })).metadata.name).toBe('p');
    for (const h of handles) h.stop();
  });

  it('stops a watch: no event after stop(), done resolves', async () => {
    let write: ((s: string) => void) | undefined;
    const { client } = await setup((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      write = (s) => res.write(s);
    });
    const events: WatchEvent[] = [];
    const handle = await client.watch({ group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true }, {}, (e) => void events.push(e));
    write!(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } }) + '\n');
    await eventually(() => events.length === 1);
    handle.stop();
    await handle.done;
    write!(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'b' } } }) + '\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toHaveLength(1);
  });
});
