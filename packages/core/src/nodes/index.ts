export * from './node-connections.js';
export * from './pod-log-options.js';
export * from './http-node-endpoint.js';
export * from './write-stream.js';
