export * from './interfaces.js';
export * from './recorder.js';
