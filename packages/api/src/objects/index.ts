export type * from './common.js';
export type * from './pod.js';
export type * from './node.js';
export type * from './namespace.js';
export type * from './config.js';
export type * from './service-account.js';
export type * from './event.js';
export type * from './lease.js';
