import { describe, expect, it } from 'vitest';
import { decodeProtobuf, protobufMagic } from './protobuf.js';

/** Minimal protobuf writer: length-delimited and varint fields. */
const ld = (no: number, payload: Buffer | string) => {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([Buffer.from([(no << 3) | 2, body.length]), body]);
};
const varint = (no: number, n: number) => {
  const bytes = [(no << 3) | 0];
  for (let v = n; ; v >>>= 7) {
    if (v < 0x80) {
      bytes.push(v);
      break;
    }
    bytes.push((v & 0x7f) | 0x80);
  }
  return Buffer.from(bytes);
};
const env = (apiVersion: string, kind: string, raw: Buffer) => Buffer.concat([protobufMagic, ld(1, Buffer.concat([ld(1, apiVersion), ld(2, kind)])), ld(2, raw)]);

describe('protobuf policy/v1 bodies', () => {
  it('decodes a PodDisruptionBudget as kubectl create pdb sends it (int and percent)', () => {
    const selector = ld(1, Buffer.concat([ld(1, 'app'), ld(2, 'web')]));
    const spec = Buffer.concat([ld(1, Buffer.concat([varint(1, 0), varint(2, 2)])), ld(2, selector), ld(4, '')]);
    expect(decodeProtobuf(env('policy/v1', 'PodDisruptionBudget', Buffer.concat([ld(1, ld(1, 'web')), ld(2, spec)])))).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
    });
    const pct = Buffer.concat([ld(3, Buffer.concat([varint(1, 1), ld(3, '25%')])), ld(4, 'AlwaysAllow')]);
    expect(decodeProtobuf(env('policy/v1', 'PodDisruptionBudget', Buffer.concat([ld(1, ld(1, 'p')), ld(2, pct)]))).spec).toEqual({ maxUnavailable: '25%', unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  it('decodes an Eviction with its DeleteOptions (v1 and v1beta1)', () => {
    const opts = Buffer.concat([varint(1, 0), ld(2, Buffer.concat([ld(1, 'uid-1'), ld(2, '42')])), ld(4, 'Background'), ld(5, 'All')]);
    expect(decodeProtobuf(env('policy/v1beta1', 'Eviction', Buffer.concat([ld(1, Buffer.concat([ld(1, 'web'), ld(3, 'ns')])), ld(2, opts)])))).toEqual({
      apiVersion: 'policy/v1beta1',
      kind: 'Eviction',
      metadata: { name: 'web', namespace: 'ns' },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1', resourceVersion: '42' }, propagationPolicy: 'Background', dryRun: ['All'] },
    });
  });
});
