export * from './contribution-points.js';
export * from './tokens.js';
export * from './container.js';
export * from './errors.js';
export * from './loader.js';
