import { describe, expect, it } from 'vitest';
import { etcdStoreBackend, EtcdUrlError, parseEtcdUrl } from './backend.js';
import { RealClock } from '@keelson/core';

describe('parseEtcdUrl', () => {
  it.each([
    ['etcd://127.0.0.1:2379', ['http://127.0.0.1:2379'], undefined],
    ['etcd://127.0.0.1', ['http://127.0.0.1:2379'], undefined],
    ['etcd://127.0.0.1:1,127.0.0.2:2/', ['http://127.0.0.1:1', 'http://127.0.0.2:2'], undefined],
    ['etcd://localhost:3000?dialTimeout=250', ['http://localhost:3000'], 250],
    ['etcd://[::1]:2379', ['http://[::1]:2379'], undefined],
  ])('%s', (url, endpoints, dialTimeoutMs) => {
    expect(parseEtcdUrl(url)).toEqual(dialTimeoutMs ? { endpoints, dialTimeoutMs } : { endpoints });
  });

  it('reads compactInterval', () => {
    expect(parseEtcdUrl('etcd://h:1?compactInterval=0&dialTimeout=10')).toEqual({ endpoints: ['http://h:1'], compactIntervalMs: 0, dialTimeoutMs: 10 });
  });

  it.each(['sqlite:/tmp', 'etcd://', 'etcd://a b:1', 'etcd://host:99999', 'etcd://h:1?foo=1', 'etcd://h:1?dialTimeout=-1', 'etcd://h:1?compactInterval=x'])('refuses %s', (url) => {
    expect(() => parseEtcdUrl(url)).toThrow(EtcdUrlError);
  });
});

describe('etcdStoreBackend', () => {
  it('fails to open with the endpoint in the message when etcd does not answer', async () => {
    // Port 1 on loopback: nothing listens there.
    const err = await etcdStoreBackend.open('etcd://127.0.0.1:1?dialTimeout=300', { clock: new RealClock(), dataDir: '/nonexistent' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('cannot reach etcd at http://127.0.0.1:1');
  });
});
