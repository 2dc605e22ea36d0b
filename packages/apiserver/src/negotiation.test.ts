import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { acceptable, parseMediaType, readBody } from './negotiation.js';
import { parseInt64, validateQuery } from './query.js';

describe('parseMediaType (Go mime.ParseMediaType)', () => {
  it.each([
    ['application/json', 'application/json', {}],
    ['Application/JSON; charset=utf-8', 'application/json', { charset: 'utf-8' }],
    ['application/json;as=Table;v=v1;g=meta.k8s.io', 'application/json', { as: 'Table', v: 'v1', g: 'meta.k8s.io' }],
    ['application/json; charset="utf-8"', 'application/json', { charset: 'utf-8' }],
    ['application/json;', 'application/json', {}],
    ['json', 'json', {}],
  ])('%s', (value, type, params) => {
    expect(parseMediaType(value)).toEqual({ type, params });
  });
  it.each(['application/json; charset', 'application/json; =utf-8', 'application/json; a=b; a=c', 'application/json; charset="utf-8', 'application/', '/json', 'application json', 'application/json/x', ''])(
    'refuses %j',
    (value) => {
      expect(parseMediaType(value)).toBeUndefined();
    },
  );
});

describe('acceptable (kube NegotiateOutputMediaType for resources)', () => {
  it.each([undefined, '', '*/*', 'application/json', 'application/*', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json', 'application/json;as=Table;v=v1beta1;g=meta.k8s.io', 'application/vnd.kubernetes.protobuf, */*', 'text/html, application/json;q=0.9'])(
    'accepts %j',
    (accept) => {
      expect(acceptable(accept)).toBe(true);
    },
  );
  it.each(['application/xml', 'text/html', 'application/json;as=Table;v=v9;g=x', 'application/json;as=Bogus;v=v1;g=meta.k8s.io', 'image/png, text/plain', 'application/json;q=0', 'application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io'])(
    'refuses %j',
    (accept) => {
      expect(acceptable(accept)).toBe(false);
    },
  );
});

function body(chunks: Buffer[], headers: Record<string, string> = {}, fail?: Error): IncomingMessage {
  const r = new Readable({ read() {} }) as unknown as IncomingMessage & Readable;
  r.headers = headers;
  for (const c of chunks) r.push(c);
  if (fail) setImmediate(() => r.destroy(fail));
  else r.push(null);
  return r;
}

describe('readBody', () => {
  it('413 RequestEntityTooLarge past the limit, by Content-Length or by bytes (it was a 500)', async () => {
    await expect(readBody(body([], { 'content-length': '99' }), 10)).rejects.toMatchObject({ code: 413, reason: 'RequestEntityTooLarge' });
    await expect(readBody(body([Buffer.alloc(6), Buffer.alloc(6)]), 10)).rejects.toMatchObject({ code: 413 });
    expect((await readBody(body([Buffer.from('ok')]), 10)).toString()).toBe('ok');
  });
  it('400 when the body stops short (aborted, broken chunked encoding)', async () => {
    await expect(readBody(body([Buffer.from('{')], {}, Object.assign(new Error('aborted'), { code: 'ECONNRESET' })))).rejects.toMatchObject({ code: 400, message: expect.stringMatching(/aborted/) });
  });
});

describe('query parameters', () => {
  it('parses int64 as Go strconv.ParseInt does', () => {
    expect(parseInt64('42')).toBe(42);
    expect(parseInt64('-1')).toBe(-1);
    expect(parseInt64('+7')).toBe(7);
    for (const bad of ['abc', '1e3', '1.5', '0x10', ' 1', '', '9223372036854775808']) expect(parseInt64(bad)).toBeUndefined();
  });
  it.each([
    ['GET', 'limit=abc', 400],
    ['GET', 'limit=1e99', 400],
    ['GET', 'watch=true&timeoutSeconds=ten', 400],
    ['DELETE', 'gracePeriodSeconds=1.5', 400],
    ['DELETE', 'dryRun=Bogus', 422],
    ['POST', 'dryRun=All&dryRun=all', 422],
    ['GET', 'watch=true&resourceVersionMatch=Exact&sendInitialEvents=true', 422],
    ['GET', 'watch=true&resourceVersionMatch=NotOlderThan', 422],
  ])('%s ?%s → %d', (method, qs, code) => {
    const q = new URLSearchParams(qs);
    expect(() => validateQuery(method, q, q.get('watch') === 'true')).toThrow(expect.objectContaining({ code }));
  });
  it.each([
    ['GET', 'limit=500&continue=x'],
    ['GET', 'dryRun=Bogus'],
    ['DELETE', 'dryRun=All&gracePeriodSeconds=0&propagationPolicy=Background'],
    ['GET', 'watch=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=30'],
  ])('%s ?%s is fine', (method, qs) => {
    const q = new URLSearchParams(qs);
    expect(() => validateQuery(method, q, q.get('watch') === 'true')).not.toThrow();
  });
});
