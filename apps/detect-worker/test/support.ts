import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createObjectStore, loadConfig, type ObjectStore, type OrionConfig } from '@orion/shared';
import { modelPath } from '@orion/testkit';

/** Temp folders of a test file, removed by `cleanup()`. */
export function tempDirs() {
  const dirs: string[] = [];
  return {
    async make(prefix = 'orion-detect-test-'): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup: () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))),
  };
}

/** The shared models folder (../shared/models), found through testkit. */
export const modelsDir = () => modelPath();

/**
 * Environment for processes and job threads: the test Redis and an S3 prefix of its own on the
 * test s3rver, so tests never see each other's objects.
 */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  const s3 = inject('s3');
  return {
    REDIS_URL: inject('redisUrl'),
    STORAGE_URL: `s3://${s3.bucket}/test-${randomUUID()}/`,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    ORION_MODELS_DIR: modelsDir(),
    LOG_LEVEL: 'warn',
    ORT_INTRA_OP_THREADS: '1',
    // Any free port: test files run side by side.
    OPS_PORT: '0',
    ...extra,
  };
}

export function storeFor(env: Record<string, string>): { config: OrionConfig; store: ObjectStore } {
  const config = loadConfig(env);
  return { config, store: createObjectStore(config) };
}
