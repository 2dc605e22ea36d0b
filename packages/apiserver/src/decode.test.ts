import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { defineKind, int32, obj } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { decodeDeleteOptions, decodeObjectBody } from './decode.js';

const Widget = defineKind({ group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true, schema: obj('Widget', { spec: obj('spec', { replicas: int32('replicas') }) }) });

function req(body: string | Buffer, contentType = 'application/json'): IncomingMessage {
  const r = Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;
  r.headers = { 'content-type': contentType };
  return r;
}

describe('decodeObjectBody (create/update bodies, as kube decodes them)', () => {
  it('decodes an object of the kind', async () => {
    expect(await decodeObjectBody(Widget, req('{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"replicas":2}}'))).toMatchObject({ spec: { replicas: 2 } });
    expect(await decodeObjectBody(Widget, req(''))).toBeUndefined();
  });

  it.each([
    ['invalid JSON', '{"metadata":', /error decoding request body/],
    ['a mistyped field', '{"metadata":{"name":"w"},"spec":{"replicas":"2"}}', /Widget in version "v1" cannot be handled as a Widget: json: cannot unmarshal string into Go struct field \.spec\.replicas of type int32/],
    ['metadata of the wrong type', '{"metadata":[]}', /\.metadata of type struct/],
    ['another kind', '{"kind":"Pod","metadata":{"name":"w"}}', /kind in the data \(Pod\)/],
    ['nesting past 10000', '['.repeat(10_001) + ']'.repeat(10_001), /exceeded max depth/],
    ['a truncated protobuf', Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff]), /protobuf request body: unexpected EOF/],
  ])('400 for %s', async (_what, body, want) => {
    const ct = Buffer.isBuffer(body) ? 'application/vnd.kubernetes.protobuf' : 'application/json';
    await expect(decodeObjectBody(Widget, req(body, ct))).rejects.toMatchObject({ code: 400, reason: 'BadRequest', message: expect.stringMatching(want) });
  });
});

describe('decodeDeleteOptions', () => {
  it('takes DeleteOptions in v1, meta.k8s.io/v1 or the resource group version', async () => {
    expect(await decodeDeleteOptions(Widget, req(''))).toEqual({});
    for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'example.com/v1']) {
      expect(await decodeDeleteOptions(Widget, req(JSON.stringify({ kind: 'DeleteOptions', apiVersion, propagationPolicy: 'Background' })))).toMatchObject({ propagationPolicy: 'Background' });
    }
  });

  it.each([
    ['{', /error decoding request body/],
    ['[]', /must be a JSON object/],
    ['{"gracePeriodSeconds":"x"}', /gracePeriodSeconds of type int64/],
    ['{"dryRun":"All"}', /dryRun of type \[\]string/],
    ['{"preconditions":"x"}', /preconditions of type struct/],
    ['{"kind":"DeleteOptions","apiVersion":"v9"}', /no kind "DeleteOptions" is registered for version "v9"/],
    ['{"kind":"Pod"}', /unexpected kind "Pod"/],
  ])('400 for %s', async (body, want) => {
    await expect(decodeDeleteOptions(Widget, req(body))).rejects.toMatchObject({ code: 400, message: expect.stringMatching(want) });
  });
});
