export * from './contribution-points.js';
export * from './tokens.js';
