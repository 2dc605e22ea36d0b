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
    if (v < 0x80) { bytes.push(v); break; }
    bytes.push((v & 0x7f) | 0x80);
  }
  return Buffer.from(bytes);
};
const env = (raw: Buffer) => Buffer.concat([protobufMagic, ld(1, Buffer.concat([ld(1, 'v1'), ld(2, 'Service')])), ld(2, raw)]);

describe('protobuf Service (kubectl create service / expose)', () => {
  it('decodes spec: ports with int and named target ports, selector, type, clusterIP', () => {
    const port1 = Buffer.concat([ld(1, '80-8080'), ld(2, 'TCP'), varint(3, 80), ld(4, Buffer.concat([varint(1, 0), varint(2, 8080)])), varint(5, 30080)]);
    const port2 = Buffer.concat([ld(1, 'dns'), ld(2, 'UDP'), varint(3, 53), ld(4, Buffer.concat([varint(1, 1), ld(3, 'dns')])), varint(5, 0)]);
    const spec = Buffer.concat([ld(1, port1), ld(1, port2), ld(2, Buffer.concat([ld(1, 'app'), ld(2, 'y')])), ld(3, 'None'), ld(4, 'NodePort'), ld(7, ''), varint(13, 0)]);
    const svc = Buffer.concat([ld(1, Buffer.concat([ld(1, 'y'), ld(11, Buffer.concat([ld(1, 'app'), ld(2, 'y')]))])), ld(2, spec), ld(3, Buffer.alloc(0))]);
    expect(decodeProtobuf(env(svc))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'y', labels: { app: 'y' } },
      spec: {
        ports: [
          { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
          { name: 'dns', protocol: 'UDP', port: 53, targetPort: 'dns' },
        ],
        selector: { app: 'y' },
        clusterIP: 'None',
        type: 'NodePort',
      },
    });
  });
});
