import type { Redis } from 'ioredis';
import { loadConfigOrExit, type OrionConfig } from '../config/load-config.js';
import { createLogger, type Logger } from '../logger/logger.js';
import { createRedisConnection } from '../queues/connection.js';
import { createObjectStore } from '../storage/create-object-store.js';
import type { ObjectStore } from '../storage/object-store.js';

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What every Orion process starts from: validated config, a logger, Redis and the object store. */
export interface ServiceContext {
  name: string;
  config: OrionConfig;
  logger: Logger;
  redis: Redis;
  store: ObjectStore;
  close(): Promise<void>;
}

/**
 * Loads the configuration (exiting with a clear message when it is invalid), then connects to Redis
 * and the store and checks both answer, so a misconfigured process fails at start, not mid-job.
 */
export async function createServiceContext(name: string, env = process.env): Promise<ServiceContext> {
  const config = loadConfigOrExit(env);
  const logger = createLogger({ name, level: config.logLevel });
  const redis = createRedisConnection(config.redis.url, `orion-${name}`);
  const store = createObjectStore(config);
  // ioredis reconnects by itself; log each distinct connection error once instead of every retry.
  let lastRedisError = '';
  redis.on('error', (err: Error) => {
    if (err.message === lastRedisError) return;
    lastRedisError = err.message;
    logger.error({ err: err.message, redis: config.redis.url }, 'Redis connection error');
  });
  redis.on('ready', () => (lastRedisError = ''));
  try {
    await withTimeout(redis.ping(), 10_000, `Redis at ${config.redis.url} did not answer within 10 s`);
    await withTimeout(store.list('', { limit: 1 }), 10_000, 'The object store did not answer within 10 s');
  } catch (err) {
    logger.fatal({ err, redis: config.redis.url, storage: config.storage }, 'cannot reach Redis or storage');
    redis.disconnect();
    await store.close();
    throw err;
  }
  return {
    name,
    config,
    logger,
    redis,
    store,
    async close() {
      await redis.quit();
      await store.close();
    },
  };
}
