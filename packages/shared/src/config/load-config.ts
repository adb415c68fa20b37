import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { envSchema, type Env } from './env-schema.js';
import { defaultModelsDir, defaultStorageUrl } from './paths.js';

export type StorageLocation =
  { driver: 'fs'; root: string } | { driver: 's3'; bucket: string; prefix: string };

export interface S3Settings {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface ClusteringSettings {
  minClusterSize: number;
  minSamples: number;
  clusterSelectionEpsilon: number;
  clusterSelectionMethod: 'eom' | 'leaf';
}

/** The validated configuration every Orion process runs with. */
export interface OrionConfig {
  redis: { url: string; queuePrefix: string };
  storage: StorageLocation;
  s3: S3Settings;
  modelsDir: string;
  pipeline: { targetFps: number; shardSeconds: number };
  detector: { model: string };
  embedding: { model: 'clip' | 'vision'; multimodal: boolean };
  clustering: ClusteringSettings;
  executionProvider: 'auto' | 'cpu' | 'cuda';
  logLevel: Env['LOG_LEVEL'];
}

/** Thrown when the environment holds a value Orion cannot run with; the message names each variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? '(environment)');
  const raw = env[name];
  return raw === undefined ? `${name} ${issue.message}` : `${name}=${JSON.stringify(raw)} ${issue.message}`;
}

export function parseStorageUrl(url: string): StorageLocation {
  if (url.startsWith('file://')) {
    const path = decodeURIComponent(url.slice('file://'.length));
    return { driver: 'fs', root: isAbsolute(path) ? path : resolve(process.cwd(), path) };
  }
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new ConfigError([`STORAGE_URL=${JSON.stringify(url)} is neither file:// nor s3://`]);
  const prefix = match[2] ?? '';
  return { driver: 's3', bucket: match[1]!, prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix };
}

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): OrionConfig {
  // An empty value counts as unset, so `FOO=` in an env file falls back to the default.
  const known = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, env)));
  const e = parsed.data;

  const problems: string[] = [];
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  if (problems.length) throw new ConfigError(problems);

  return Object.freeze({
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX },
    storage: parseStorageUrl(e.STORAGE_URL ?? defaultStorageUrl()),
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      credentials:
        e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
          : undefined,
    },
    modelsDir: resolve(e.ORION_MODELS_DIR ?? defaultModelsDir()),
    pipeline: { targetFps: e.TARGET_FPS, shardSeconds: e.SHARD_SECONDS },
    detector: { model: e.DETECTOR_MODEL },
    embedding: { model: e.EMBEDDING_MODEL, multimodal: e.USE_MULTIMODAL_EMBEDDINGS },
    clustering: {
      minClusterSize: e.MIN_CLUSTER_SIZE,
      minSamples: e.MIN_SAMPLES ?? e.MIN_CLUSTER_SIZE,
      clusterSelectionEpsilon: e.CLUSTER_SELECTION_EPSILON,
      clusterSelectionMethod: e.CLUSTER_SELECTION_METHOD,
    },
    executionProvider: e.EXECUTION_PROVIDER,
    logLevel: e.LOG_LEVEL,
  });
}

/**
 * For process entry points: the configuration, or a clear message on stderr and exit code 78
 * (EX_CONFIG) before anything starts.
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): OrionConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
