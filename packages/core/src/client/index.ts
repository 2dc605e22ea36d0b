export * from './client.js';
export * from './in-process-client.js';
