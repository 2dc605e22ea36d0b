export * from './node-connections.js';
