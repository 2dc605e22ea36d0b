export * from './server.js';
export * from './request-info.js';
export * from './discovery.js';
export * from './table.js';
export * from './openapi.js';
export * from './protobuf.js';
export * from './kubeconfig.js';
