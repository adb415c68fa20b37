export * from './infra-error.js';
export * from './kubernetes.js';
export * from './compose.js';
export * from './dockerfile.js';
