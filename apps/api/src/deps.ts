import {
  VideoRepository,
  VideoTombstones,
  createMetrics,
  createObjectStore,
  createRedisConnection,
  instrumentStore,
  observeQueues,
  type Logger,
  type OrionConfig,
} from '@orion/shared';
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

/** Builds the API's collaborators from the configuration; `close` releases every connection. */
export async function createApiDeps(
  config: OrionConfig,
  logger: Logger,
): Promise<ApiDeps & { close(): Promise<void> }> {
  const tenants = await TenantDirectory.load(config.api);
  const metrics = createMetrics('api');
  const redis = createRedisConnection(config.redis.url, 'orion-api');
  redis.on('error', () => metrics.redisErrors.inc());
  const store = instrumentStore(createObjectStore(config), metrics);
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
    },
  };
}
