export * from './store-conformance.js';
export * from './test-cluster.js';
export * from './client-conformance.js';
