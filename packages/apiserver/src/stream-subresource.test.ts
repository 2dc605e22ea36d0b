import { request } from 'node:http';
import { ApiError, defineKind, definePlugin, type KubeObject } from '@keelson/api';
import { type Cluster, createCluster, silentLogger } from '@keelson/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from './server.js';

/** A kind whose "feed" subresource streams lines until told to stop (or the client goes). */
let push: ((line: string | null) => void) | undefined;
let onAbort: (() => void) | undefined;
const GadgetKind = defineKind<KubeObject>({
  group: 'example.com',
  version: 'v1',
  kind: 'Gadget',
  plural: 'gadgets',
  namespaced: true,
  subresources: {
    get: {
      feed: {
        responseKind: { group: 'example.com', version: 'v1', kind: 'Gadget' },
        async handle({ name, query, signal }) {
          if (query.fail) throw new ApiError(400, 'BadRequest', `no feed for ${name}`);
          signal.addEventListener('abort', () => onAbort?.());
          const queue: (string | null)[] = [];
          let wake: (() => void) | undefined;
          push = (line) => {
            queue.push(line);
            wake?.();
          };
          return {
            contentType: 'text/plain',
            flush: true,
            body: (async function* () {
              yield `hello ${name}\n`;
              for (;;) {
                while (queue.length) {
                  const l = queue.shift()!;
                  if (l === null) return;
                  yield l;
                }
                if (signal.aborted) return;
                await new Promise<void>((r) => (wake = r));
              }
            })(),
          };
        },
      },
    },
  },
});

let cluster: Cluster;
let api: ApiServer;
let base: string;

beforeAll(async () => {
  cluster = await createCluster({ plugins: [definePlugin({ name: 'gadgets', kinds: [GadgetKind] })], logger: silentLogger });
  await cluster.start();
  api = createApiServer({ cluster });
  base = (await api.listen(0)).url;
});

afterAll(async () => {
  await api?.close();
  await cluster?.stop();
});

describe('GET subresources that stream (pods/log)', () => {
  it('are listed in discovery with the get verb', async () => {
    const list = (await (await fetch(`${base}/apis/example.com/v1`)).json()) as { resources: { name: string; verbs: string[]; kind: string }[] };
    expect(list.resources.find((r) => r.name === 'gadgets/feed')).toMatchObject({ verbs: ['get'], kind: 'Gadget' });
  });

  it('answer a Status before the first byte, then stream chunked text as it comes', async () => {
    const bad = await fetch(`${base}/apis/example.com/v1/namespaces/default/gadgets/g/feed?fail=1`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'no feed for g' });

    const res = await fetch(`${base}/apis/example.com/v1/namespaces/default/gadgets/g/feed`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    expect(dec.decode((await reader.read()).value)).toBe('hello g\n');
    push!('more\n');
    expect(dec.decode((await reader.read()).value)).toBe('more\n');
    push!(null);
    expect((await reader.read()).done).toBe(true);
  });

  it('stop the stream when the client goes away', async () => {
    const aborted = new Promise<void>((r) => (onAbort = r));
    await new Promise<void>((resolve, reject) => {
      const req = request(`${base}/apis/example.com/v1/namespaces/default/gadgets/g/feed`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
    await aborted; // (the test times out otherwise)
  });

  it('refuse other methods', async () => {
    const res = await fetch(`${base}/apis/example.com/v1/namespaces/default/gadgets/g/feed`, { method: 'DELETE' });
    expect(res.status).toBe(405);
  });
});
