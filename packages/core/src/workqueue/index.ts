export * from './interfaces.js';
