export * from './start-thread.js';
export * from './resolution-conditions.js';
export * from './sibling-module.js';
