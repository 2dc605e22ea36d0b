export * from './builder.js';
export * from './meta.js';
