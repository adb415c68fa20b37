export * from './ports.js';
export * from './child-service.js';
export * from './redis-server.js';
export * from './s3-server.js';
export * from './fixtures.js';
export * from './videos.js';
export * from './orion-stack.js';
