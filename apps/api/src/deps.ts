import type { Redis } from 'ioredis';
import {
  VideoRepository,
  VideoTombstones,
  createMetrics,
  createObjectStore,
  createRequestRedisConnection,
  instrumentStore,
  observeQueues,
  type Logger,
  type OrionConfig,
} from '@orion/shared';
import { EntityIndex, indexLocation } from '@orion/entity-index';
import { CallbackUrlPolicy } from './services/callback-url-policy.js';
import { AuthFailureThrottle } from './services/auth-failures.js';
import { IdempotencyStore } from './services/idempotency.js';
import { PipelineQueues } from './services/pipeline-queues.js';
import { ProbePool } from './services/probe-pool.js';
import { TenantDirectory } from './services/tenant-directory.js';
import { UploadAdmission } from './services/upload-admission.js';
import { VideoIntake } from './services/video-intake.js';
import { VideoSubmission } from './services/video-submission.js';
import type { ApiDeps } from './types.js';

const READY_TIMEOUT_MS = 10_000;

/** Without an offline queue, commands sent before the first connect would fail: wait for it (bounded). */
async function whenReady(redis: Redis, url: string): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<boolean>((resolve) => {
    // Only 'ready' counts: connection errors are retried by ioredis meanwhile.
    redis.once('ready', () => resolve(true));
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  const ok = await ready.finally(() => clearTimeout(timer));
  if (!ok) {
    redis.disconnect();
    throw new Error(`Redis at ${url} did not answer within ${READY_TIMEOUT_MS / 1000} s`);
  }
}

/** Builds the API's collaborators from the configuration; `close` releases every connection. */
export async function createApiDeps(
  config: OrionConfig,
  logger: Logger,
): Promise<ApiDeps & { close(): Promise<void> }> {
  const tenants = await TenantDirectory.load(config.api);
  const metrics = createMetrics('api');
  // Fail fast while Redis is away (503, never a hung request); the background workers in main.ts
  // have connections of their own that wait for Redis instead.
  const redis = createRequestRedisConnection(config.redis.url, 'orion-api', {
    commandTimeoutMs: config.redis.commandTimeoutMs,
  });
  redis.on('error', () => metrics.redisErrors.inc());
  await whenReady(redis, config.redis.url);
  const store = instrumentStore(createObjectStore(config), metrics);
  const entityIndex = await EntityIndex.open({
    location: indexLocation(config),
    annMinRows: config.entityIndex.annMinRows,
    logger,
  });
  const queues = new PipelineQueues(redis, config.redis.queuePrefix);
  observeQueues(metrics, Object.values(queues.queues));
  const videos = new VideoRepository(redis, config.redis.queuePrefix);
  const idempotency = new IdempotencyStore(redis, config.redis.queuePrefix);
  const callbackPolicy = new CallbackUrlPolicy(config.api.callbacks);
  const probes = new ProbePool(config.api.probeConcurrency);
  const intake = new VideoIntake({ store, videos, queues, probes, config, logger });
  return {
    config,
    logger,
    redis,
    store,
    entityIndex,
    queues,
    videos,
    tombstones: new VideoTombstones(redis, config.redis.queuePrefix),
    tenants,
    idempotency,
    authFailures: new AuthFailureThrottle(redis, config.redis.queuePrefix, config.api.authFailuresPerMinute),
    intake,
    probes,
    uploads: new UploadAdmission({
      total: config.api.maxConcurrentUploads,
      perKey: config.api.maxConcurrentUploadsPerKey,
    }),
    submission: new VideoSubmission({ intake, idempotency, callbackPolicy }),
    callbackPolicy,
    metrics,
    async close() {
      await queues.close();
      await redis.quit();
      await store.close();
      entityIndex.close();
    },
  };
}
