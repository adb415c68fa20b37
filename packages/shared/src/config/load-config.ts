import { resolve } from 'node:path';
import type { z } from 'zod';
import { envSchema, type Env } from './env-schema.js';
import { defaultModelsDir, defaultStorageUrl } from './paths.js';
import { ConfigError } from './config-error.js';
import {
  parseApiKeys,
  parseClassList,
  parseStorageUrl,
  parseTrustProxy,
  type ApiKeyEntry,
  type StorageLocation,
} from './setting-parsers.js';

export { ConfigError } from './config-error.js';
export * from './setting-parsers.js';
import type { ClusteringSettings } from '../queues/payloads.js';
import type {
  AssociationMode,
  DetectTileMode,
  EmbeddingBackend,
  ExecutionProviderSetting,
  NoisePolicy,
} from '../vocabulary.js';

export interface S3Settings {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface AssociationSettings {
  mode: AssociationMode;
  noise: NoisePolicy;
  tracker: {
    maxLostSeconds: number;
    minHits: number;
    appearanceWeight: number;
    matchThreshold: number;
    classSwitchCost: number;
  };
}

/** Where callbacks may go and how many run at once (docs/security.md). */
export interface CallbackSettings {
  allowHttp: boolean;
  /** Hostnames and CIDRs let through although internal. */
  allowHosts: string[];
  maxPerHost: number;
  timeoutMs: number;
}

export interface ApiSettings {
  host: string;
  port: number;
  keys: ApiKeyEntry[];
  tenantsFile?: string;
  callbackSigningSecret?: string;
  callbacks: CallbackSettings;
  maxUploadBytes: number;
  rateLimitPerMinute: number;
  /** Fastify's `trustProxy`: which proxies' `X-Forwarded-For` to believe. */
  trustProxy: boolean | string;
  authFailuresPerMinute: number;
  runBackgroundWorkers: boolean;
  /** The orphan janitor (apps/api/src/workers/orphan-janitor.ts). */
  janitor: { intervalMs: number; orphanAgeMs: number };
  /** ffprobe children at once (see ProbePool). */
  probeConcurrency: number;
  /** Multipart submissions in progress at once, in total and per API key. */
  maxConcurrentUploads: number;
  maxConcurrentUploadsPerKey: number;
  /** Load shedding (@fastify/under-pressure): 0 turns a check off. */
  maxEventLoopDelayMs: number;
  maxEventLoopUtilization: number;
}

export interface DetectorSettings {
  /** Model name: a manifest in the models directory or a built-in one. */
  model: string;
  scoreThreshold: number;
  /** Labels to keep; undefined keeps every class. */
  classes?: string[];
  batchSize: number;
  concurrency: number;
  cropMargin: number;
  /** Tiled detection (full frame + 2×2 tiles): never, always, or for frames ≥ 2× the model input. */
  tiles: DetectTileMode;
}

/** The validated configuration every Orion process runs with. */
/** `npm start` (scripts/start.ts): the local stack on one machine. */
export interface LocalStackSettings {
  /** ORION_LOCAL_DIR, or undefined for `<checkout>/.orion/local`. */
  dir: string | undefined;
  /** 0: any free port. */
  redisPort: number;
  replicas: { 'detect-worker': number; 'embed-worker': number; 'cluster-worker': number };
}

export interface OrionConfig {
  /** `commandTimeoutMs`: the API's request-path commands (see createRequestRedisConnection). */
  redis: { url: string; queuePrefix: string; commandTimeoutMs: number };
  /** BullMQ lock and stall settings of the detect, embed and cluster workers. */
  workerLocks: { lockDurationMs: number; stalledIntervalMs: number; maxStalledCount: number };
  storage: StorageLocation;
  s3: S3Settings;
  /** The tenants' entity tables (LanceDB): vectors needed before the ANN index is built. */
  entityIndex: { annMinRows: number };
  /** Identities across a tenant's videos: the debounce after a completed video. */
  identities: { debounceMs: number; maxPool: number };
  modelsDir: string;
  /** Defaults for a video's plan, and the bounds every plan stays within. */
  pipeline: { targetFps: number; shardSeconds: number; maxVideoSeconds: number; maxShardsPerVideo: number };
  detector: DetectorSettings;
  /**
   * ONNX Runtime threads per session; intraOp 0 = CPU cores ÷ the worker's concurrency. Spinning:
   * whether idle pool threads spin-wait for work. sharingProcesses: worker processes sharing the
   * machine's cores (the embed worker's automatic thread count divides by it).
   */
  onnxThreads: { intraOp: number; interOp: number; allowSpinning: boolean; sharingProcesses: number };
  embedding: {
    model: EmbeddingBackend;
    multimodal: boolean;
    clipModel: string;
    batchSize: number;
    concurrency: number;
    verifyThreshold: number;
    multimodalTextWeight: number;
    /** The re-id model and the labels whose crops it embeds; null when REID_MODEL=none. */
    reid: { model: string; classes: string[] } | null;
    /** The label check's second detector (LABEL_CHECK_SECOND_LOOK); null when off. */
    labelCheckSecondLook: string | null;
  };
  clustering: ClusteringSettings;
  association: AssociationSettings;
  executionProvider: ExecutionProviderSetting;
  api: ApiSettings;
  /** Workers' metrics and health port. */
  opsPort: number;
  logLevel: Env['LOG_LEVEL'];
  local: LocalStackSettings;
}

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? '(environment)');
  const raw = env[name];
  return raw === undefined ? `${name} ${issue.message}` : `${name}=${JSON.stringify(raw)} ${issue.message}`;
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
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS },
    workerLocks: {
      lockDurationMs: e.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: e.WORKER_MAX_STALLED_COUNT,
    },
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
    entityIndex: { annMinRows: e.INDEX_MIN_ROWS },
    identities: { debounceMs: e.IDENTITIES_DEBOUNCE_MS, maxPool: e.IDENTITIES_MAX_POOL },
    modelsDir: resolve(e.ORION_MODELS_DIR ?? defaultModelsDir()),
    pipeline: {
      targetFps: e.TARGET_FPS,
      shardSeconds: e.SHARD_SECONDS,
      maxVideoSeconds: e.MAX_VIDEO_SECONDS,
      maxShardsPerVideo: e.MAX_SHARDS_PER_VIDEO,
    },
    detector: {
      model: e.DETECTOR_MODEL,
      scoreThreshold: e.DETECT_SCORE_THRESHOLD,
      classes: parseClassList(e.DETECT_CLASSES),
      batchSize: e.DETECT_BATCH_SIZE,
      concurrency: e.DETECT_CONCURRENCY,
      cropMargin: e.CROP_MARGIN,
      tiles: e.DETECT_TILES,
    },
    onnxThreads: {
      intraOp: e.ORT_INTRA_OP_THREADS,
      interOp: e.ORT_INTER_OP_THREADS,
      allowSpinning: e.ORT_ALLOW_SPINNING,
      sharingProcesses: e.ORT_SHARING_PROCESSES,
    },
    embedding: {
      model: e.EMBEDDING_MODEL,
      multimodal: e.USE_MULTIMODAL_EMBEDDINGS,
      clipModel: e.CLIP_MODEL,
      batchSize: e.EMBED_BATCH_SIZE,
      concurrency: e.EMBED_CONCURRENCY,
      verifyThreshold: e.VERIFY_THRESHOLD,
      multimodalTextWeight: e.MULTIMODAL_TEXT_WEIGHT,
      reid:
        e.REID_MODEL === 'none'
          ? null
          : { model: e.REID_MODEL, classes: parseClassList(e.REID_CLASSES) ?? [] },
      labelCheckSecondLook: e.LABEL_CHECK_SECOND_LOOK === 'none' ? null : e.LABEL_CHECK_SECOND_LOOK,
    },
    clustering: {
      minClusterSize: e.MIN_CLUSTER_SIZE,
      minSamples: e.MIN_SAMPLES ?? e.MIN_CLUSTER_SIZE,
      clusterSelectionEpsilon: e.CLUSTER_SELECTION_EPSILON,
      clusterSelectionMethod: e.CLUSTER_SELECTION_METHOD,
    },
    association: {
      mode: e.ASSOCIATION_MODE,
      noise: e.NOISE_POLICY,
      tracker: {
        maxLostSeconds: e.TRACK_MAX_LOST_SECONDS,
        minHits: e.TRACK_MIN_HITS,
        appearanceWeight: e.TRACK_APPEARANCE_WEIGHT,
        matchThreshold: e.TRACK_MATCH_THRESHOLD,
        classSwitchCost: e.TRACK_CLASS_SWITCH_COST,
      },
    },
    executionProvider: e.EXECUTION_PROVIDER,
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      keys: parseApiKeys(e.API_KEYS),
      tenantsFile: e.API_TENANTS_FILE,
      callbackSigningSecret: e.CALLBACK_SIGNING_SECRET,
      callbacks: {
        allowHttp: e.CALLBACK_ALLOW_HTTP,
        allowHosts: (e.CALLBACK_ALLOW_HOSTS ?? '')
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean),
        maxPerHost: e.CALLBACK_MAX_PER_HOST,
        timeoutMs: e.CALLBACK_TIMEOUT_MS,
      },
      maxUploadBytes: e.MAX_UPLOAD_BYTES,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      trustProxy: parseTrustProxy(e.API_TRUST_PROXY),
      authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
      runBackgroundWorkers: e.API_RUN_BACKGROUND_WORKERS,
      janitor: {
        intervalMs: e.JANITOR_INTERVAL_SECONDS * 1000,
        orphanAgeMs: e.ORPHAN_MAX_AGE_SECONDS * 1000,
      },
      probeConcurrency: e.PROBE_CONCURRENCY,
      maxConcurrentUploads: e.MAX_CONCURRENT_UPLOADS,
      maxConcurrentUploadsPerKey: e.MAX_CONCURRENT_UPLOADS_PER_KEY,
      maxEventLoopDelayMs: e.API_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: e.API_MAX_EVENT_LOOP_UTILIZATION,
    },
    opsPort: e.OPS_PORT,
    logLevel: e.LOG_LEVEL,
    local: {
      dir: e.ORION_LOCAL_DIR,
      redisPort: e.LOCAL_REDIS_PORT,
      replicas: {
        'detect-worker': e.LOCAL_DETECT_REPLICAS,
        'embed-worker': e.LOCAL_EMBED_REPLICAS,
        'cluster-worker': e.LOCAL_CLUSTER_REPLICAS,
      },
    },
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
