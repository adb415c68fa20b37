/*
 * Running Orion's parts on one machine: free ports, child servers stopped by pid, a redis-server,
 * and the files of the local stack (`npm start`) that the CLI reads. Loaded as `@orion/shared/local`
 * (node built-ins only), by `npm start`, the CLI and the test kit.
 */
export * from './local/ports.js';
export * from './local/child-service.js';
export * from './local/redis-server.js';
export * from './local/local-stack-files.js';
