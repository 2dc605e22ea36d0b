export * from './contribution-points.js';
