export * from './interfaces.js';
export * from './builder.js';
export * from './controller.js';
export * from './manager.js';
