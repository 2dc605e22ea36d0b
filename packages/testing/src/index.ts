export * from './store-conformance.js';
export * from './test-cluster.js';
export * from './etcd.js';
export * from './watch-history.js';
