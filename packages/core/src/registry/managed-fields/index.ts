export * from './fieldset.js';
export * from './managers.js';
export * from './apply.js';
