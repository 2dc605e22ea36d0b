import { definePlugin } from '@keelson/api';
import { etcdStoreBackend } from './backend.js';

export { EtcdStore, type EtcdStoreOptions, COMPACT_REV_KEY } from './etcd-store.js';
export { etcdStoreBackend, parseEtcdUrl, EtcdUrlError, type EtcdUrl } from './backend.js';

/** The distributed store: contributes the "etcd" store backend (`--store etcd://HOST:PORT`). */
export default definePlugin({
  name: 'store-etcd',
  storeBackends: [etcdStoreBackend],
});
