import { randomUUID } from 'node:crypto';
import { createObjectStore, loadConfig, type ObjectStore, type OrionConfig } from '@orion/shared';
import { modelPath } from './fixtures.js';
import type { RunningS3 } from './s3-server.js';

/** The test servers a worker's environment points at (what the global setup provides). */
export interface TestServers {
  redisUrl: string;
  s3: Pick<RunningS3, 'endpoint' | 'bucket' | 'region' | 'credentials'>;
}

/**
 * Environment for worker processes and job threads: the test Redis and an S3 prefix of its own on the
 * test s3rver, so tests never see each other's objects; the shared models; quiet logs; one ORT thread.
 */
export function workerTestEnv(
  { redisUrl, s3 }: TestServers,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    STORAGE_URL: `s3://${s3.bucket}/test-${randomUUID()}/`,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    ORION_MODELS_DIR: modelPath(),
    LOG_LEVEL: 'warn',
    ORT_INTRA_OP_THREADS: '1',
    ...extra,
  };
}

/** The configuration an environment gives, and the object store it names. */
export function storeFor(env: Record<string, string>): { config: OrionConfig; store: ObjectStore } {
  const config = loadConfig(env);
  return { config, store: createObjectStore(config) };
}
