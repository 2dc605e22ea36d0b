import { describe, expect, it } from 'vitest';
import { decodeProtobuf, protobufMagic } from './protobuf.js';
import { parseResourcePath } from './request-info.js';
import { humanDuration } from './table.js';

describe('request paths', () => {
  it.each([
    ['/api/v1/pods', { group: '', version: 'v1', resource: 'pods' }],
    ['/api/v1/namespaces/default/pods/web/status', { group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'web', subresource: 'status' }],
    ['/api/v1/namespaces', { group: '', version: 'v1', resource: 'namespaces' }],
    ['/api/v1/namespaces/demo', { group: '', version: 'v1', resource: 'namespaces', name: 'demo' }],
    ['/apis/apps/v1/namespaces/ns/deployments/web/scale', { group: 'apps', version: 'v1', namespace: 'ns', resource: 'deployments', name: 'web', subresource: 'scale' }],
    ['/apis/coordination.k8s.io/v1/leases', { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' }],
  ])('%s', (path, want) => {
    expect(parseResourcePath(path)).toEqual({ namespace: undefined, name: undefined, subresource: undefined, ...want });
  });
  it('rejects what is not a resource path', () => {
    expect(parseResourcePath('/api')).toBeUndefined();
    expect(parseResourcePath('/apis/apps')).toBeUndefined();
    expect(parseResourcePath('/api/v1/namespaces/a/pods/b/status/extra')).toBeUndefined();
  });
});

/** Minimal protobuf writer for the test: length-delimited fields. */
function ld(no: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from([(no << 3) | 2, body.length]), body]);
}

describe('protobuf envelope', () => {
  it('decodes what kubectl create namespace sends', () => {
    const meta = Buffer.concat([ld(1, 'demo'), ld(2, ''), ld(11, Buffer.concat([ld(1, 'team'), ld(2, 'a')]))]);
    const ns = ld(1, meta);
    const unknown = Buffer.concat([ld(1, Buffer.concat([ld(1, 'v1'), ld(2, 'Namespace')])), ld(2, ns)]);
    expect(decodeProtobuf(Buffer.concat([protobufMagic, unknown]))).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: { team: 'a' } } });
  });
  it('decodes ConfigMap data and refuses other kinds with 415', () => {
    const cm = Buffer.concat([ld(1, ld(1, 'c')), ld(2, Buffer.concat([ld(1, 'k'), ld(2, 'v')]))]);
    const env = (kind: string, raw: Buffer) => Buffer.concat([protobufMagic, ld(1, Buffer.concat([ld(1, 'v1'), ld(2, kind)])), ld(2, raw)]);
    expect(decodeProtobuf(env('ConfigMap', cm))).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
    expect(() => decodeProtobuf(env('Pod', cm))).toThrow(/send JSON/);
    expect(() => decodeProtobuf(Buffer.from('{}'))).toThrow(/envelope/);
  });
  it('decodes what kubectl create deployment sends', () => {
    const vi = (no: number, n: number) => Buffer.from([no << 3, n]);
    const labels = ld(11, Buffer.concat([ld(1, 'app'), ld(2, 'web')]));
    const port = ld(6, Buffer.concat([ld(1, ''), vi(2, 0), vi(3, 80), ld(4, '')]));
    const container = ld(2, Buffer.concat([ld(1, 'nginx'), ld(2, 'nginx:1.27'), port, ld(8, Buffer.alloc(0)), ld(5, '')]));
    const template = ld(3, Buffer.concat([ld(1, labels), ld(2, Buffer.concat([container, ld(3, '')]))]));
    const spec = Buffer.concat([vi(1, 2), ld(2, ld(1, Buffer.concat([ld(1, 'app'), ld(2, 'web')]))), template, ld(4, Buffer.alloc(0)), vi(5, 0), vi(7, 0)]);
    const raw = Buffer.concat([ld(1, Buffer.concat([ld(1, 'web'), labels])), ld(2, spec)]);
    const body = Buffer.concat([protobufMagic, ld(1, Buffer.concat([ld(1, 'apps/v1'), ld(2, 'Deployment')])), ld(2, raw)]);
    expect(decodeProtobuf(body)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} }] } },
      },
    });
  });
  it.each([
    ['a truncated varint', [0x0a, 0xff, 0xff], /unexpected EOF in a varint/],
    ['a length past the end', [0x0a, 0x7f, 0x01], /127 bytes long but only 1 remain/],
    ['a 10-byte length', [0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /bytes long but only 0 remain/],
    ['a group wire type', [0x0b, 0x00], /illegal wire type 3/],
    ['a fixed64 past the end', [0x09, 0x01], /unexpected EOF in a fixed-size field/],
    ['a varint past 10 bytes', [0x08, ...Array(11).fill(0xff)], /varint overflow/],
  ])('answers 400 for %s (kube decodes nothing half-read)', (_what, bytes, want) => {
    expect(() => decodeProtobuf(Buffer.concat([protobufMagic, Buffer.from(bytes)]))).toThrow(want);
    try {
      decodeProtobuf(Buffer.concat([protobufMagic, Buffer.from(bytes)]));
    } catch (err) {
      expect(err).toMatchObject({ code: 400, reason: 'BadRequest' });
    }
  });
  it('refuses an envelope cut inside the object instead of decoding a shorter one', () => {
    const cm = Buffer.concat([ld(1, ld(1, 'c')), ld(2, Buffer.concat([ld(1, 'k'), ld(2, 'value')]))]);
    const full = Buffer.concat([protobufMagic, ld(1, Buffer.concat([ld(1, 'v1'), ld(2, 'ConfigMap')])), ld(2, cm)]);
    expect(() => decodeProtobuf(full.subarray(0, full.length - 3))).toThrow(/bytes long but only/);
  });
});

describe('ages', () => {
  it.each([
    [5_000, '5s'], [119_000, '119s'], [150_000, '2m30s'], [600_000, '10m'], [3 * 3600_000, '3h'], [3 * 3600_000 + 12 * 60_000, '3h12m'],
    [10 * 3600_000, '10h'], [3 * 86400_000, '3d'], [3 * 86400_000 + 5 * 3600_000, '3d5h'], [30 * 86400_000, '30d'], [-1, '<invalid>'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});
