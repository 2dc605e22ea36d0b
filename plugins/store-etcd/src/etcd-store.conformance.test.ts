import { describeStoreConformance, type EtcdProcess, etcdTestsEnabled, startEtcd } from '@keelson/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { EtcdStore } from './etcd-store.js';

describe.skipIf(!etcdTestsEnabled())('etcd', () => {
  let etcd: EtcdProcess;
  beforeAll(async () => {
    etcd = await startEtcd({ unsafeNoFsync: true });
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  describeStoreConformance('etcd', async () => {
    const store = new EtcdStore({ endpoints: [etcd.endpoint] });
    return { store, cleanup: () => store.close() };
  });
});
