import { z } from 'zod';
import {
  ASSOCIATION_MODES,
  CLUSTER_SELECTION_METHODS,
  DETECT_TILE_MODES,
  EMBEDDING_BACKENDS,
  EXECUTION_PROVIDER_SETTINGS,
  NOISE_POLICIES,
} from '../vocabulary.js';
import { DEFAULT_IDENTITIES_MAX_POOL } from '../formats/identities.js';
import {
  booleanVar,
  callbackAllowHosts,
  enumVar,
  httpUrl,
  numberVar,
  redisUrl,
  storageUrl,
  stringVar,
} from './env-vars.js';

/**
 * Every environment variable Orion reads, with its default and meaning. The descriptions feed
 * docs/configuration.md (`npm run docs:config`), and a test keeps that page in sync with this schema.
 * One list on purpose (about 300 lines): it is the page operators read, in one place and one order.
 */
export const envSchema = z.object({
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379').describe('Redis used by BullMQ for every queue.'),
  QUEUE_PREFIX: stringVar()
    .default('orion')
    .describe('Key prefix of all BullMQ queues; separates deployments sharing one Redis.'),
  REDIS_COMMAND_TIMEOUT_MS: numberVar({ int: true, min: 100, max: 60_000 })
    .default(5_000)
    .describe(
      "A Redis command of an API request not answered within this many milliseconds fails, and the request gets 503 with `Retry-After` (a Redis that hangs without closing the connection); while Redis is unreachable they fail at once (no offline queue). Not much lower: a loaded machine's event-loop stalls would turn into false timeouts. Workers' connections wait for Redis instead.",
    ),
  STORAGE_URL: storageUrl
    .optional()
    .describe(
      'Where uploads and results live: `file://<dir>` (embedded default, `<checkout>/.orion/data`) or `s3://<bucket>[/<prefix>]`.',
    ),
  S3_ENDPOINT: httpUrl
    .optional()
    .describe('S3 API endpoint for S3-compatible servers (MinIO, s3rver); unset for AWS S3.'),
  S3_REGION: stringVar().default('us-east-1').describe('S3 region.'),
  S3_FORCE_PATH_STYLE: booleanVar()
    .default(false)
    .describe('Use path-style bucket URLs (needed by MinIO and s3rver).'),
  S3_ACCESS_KEY_ID: stringVar()
    .optional()
    .describe('S3 access key; unset to use the AWS default credential chain.'),
  S3_SECRET_ACCESS_KEY: stringVar().optional().describe('S3 secret key, with S3_ACCESS_KEY_ID.'),
  INDEX_MIN_ROWS: numberVar({ int: true, min: 256, max: 100_000_000 })
    .default(5000)
    .describe(
      "Entities with a vector a tenant's entity index (LanceDB, under STORAGE_URL) needs before its IVF-PQ ANN index is built; smaller tables are searched exactly. 5000, measured on 2 cores with 512-d vectors (docs/operations.md): exact search answers 5k rows in about 30 ms (p99 under 100 ms) and grows linearly past them (10k: 50 ms, p99 250 ms), while the index answers in about 10 ms and costs about 15 s to build at 5k rows. At least 256 (IVF-PQ training needs them).",
    ),
  IDENTITIES_DEBOUNCE_MS: numberVar({ int: true, min: 0, max: 3_600_000 })
    .default(10_000)
    .describe(
      "How long the tenant's identities job waits after a video completes before it regroups the tenant's entities across videos; each completion within the wait restarts it (BullMQ debounce), so a bulk upload is grouped once at its end.",
    ),
  IDENTITIES_MAX_POOL: numberVar({ int: true, min: 2, max: 1_000_000 })
    .default(DEFAULT_IDENTITIES_MAX_POOL)
    .describe(
      'Entities of one label family the identities job clusters at most (HDBSCAN keeps every pairwise distance, so memory and time grow with the square). A larger family keeps its best-seen entities (most observations) and reports the rest as left out (`counts.leftOut`). 20000, measured on 2 cores with 512-d vectors (docs/operations.md, "Identities at scale"): 10 s and 1.4 GiB peak in the API process, against 26 s and 2.8 GiB at 32000 (npm run bench:identities).',
    ),
  ORION_MODELS_DIR: stringVar()
    .optional()
    .describe(
      'Model files and manifests; defaults to `../shared/models` when present, else `~/.cache/orion/models`.',
    ),
  TARGET_FPS: numberVar({ positive: true, max: 120 })
    .default(4)
    .describe('Frames per second sampled from each video for detection.'),
  SHARD_SECONDS: numberVar({ positive: true, max: 3600 })
    .default(10)
    .describe(
      'Length of the time range each detect job processes (the longest: when the last shard would be shorter than half of this, the video is cut into as many shards of equal length instead).',
    ),
  MAX_VIDEO_SECONDS: numberVar({ positive: true, max: 7 * 24 * 3600 })
    .default(4 * 3600)
    .describe(
      'Longest accepted video, in seconds (longer: refused at submit with `VIDEO_TOO_LONG`). 4 h covers films, meetings and matches; one video cannot hold the detect workers for much longer than that (docs/security.md).',
    ),
  MAX_SHARDS_PER_VIDEO: numberVar({ int: true, min: 1, max: 100_000 })
    .default(1000)
    .describe(
      'Most shards one video is split into: a shorter `shardSeconds` is raised to fit (the answer and status give the length used). Each shard is about 3 Redis keys and a detect job; 1000 keeps status and delete fast.',
    ),
  DETECTOR_MODEL: stringVar()
    .default('yolox_nano')
    .describe('Detector model name (a manifest in the models directory).'),
  EMBEDDING_MODEL: enumVar(EMBEDDING_BACKENDS)
    .default('vision')
    .describe('Embedding backend: `vision` (MobileNetV2 features) or `clip` (image–text encoders).'),
  USE_MULTIMODAL_EMBEDDINGS: booleanVar()
    .default(false)
    .describe('Also compute image+text ("a {class}") embeddings and cluster on them (clip backend).'),
  CLIP_MODEL: stringVar()
    .default('clip-vit-b32')
    .describe(
      'Image–text model of the `clip` backend: a `<name>.clip.json` manifest in the models directory, or the built-in `clip-vit-b32`.',
    ),
  EMBED_BATCH_SIZE: numberVar({ int: true, min: 1, max: 256 })
    .default(16)
    .describe('Crops per image-encoder run.'),
  EMBED_CONCURRENCY: numberVar({ int: true, min: 1, max: 64 })
    .default(2)
    .describe(
      'Shards one embed-worker process works on at once (one thread and model each). 2: while shards are detected the embed stage keeps its share of the cores, and once detection is done the shards still waiting are embedded on two cores rather than one (bench --sections e2e on 2 cores, quiet, median of 3 against EMBED_CONCURRENCY=1 in the same run: efficiency 0.76 → 0.92 on the 139 s fixture, 0.73 → 0.78 on the 40 s one, 0.93 both on the 30 s one; docs/benchmarks.md).',
    ),
  VERIFY_THRESHOLD: numberVar({ min: 0, max: 1 })
    .default(0.3)
    .describe(
      "Probability (softmax over the candidate labels) from which the embedding model alone counts a crop's detector class as verified. The stored verification is the label check's (calibrated probability for every class, its threshold in the fitted parameters file: docs/models.md); this threshold applies to the embedding model's own judgement, which is one piece of its evidence.",
    ),
  MULTIMODAL_TEXT_WEIGHT: numberVar({ min: 0, max: 1 })
    .default(0.3)
    .describe('Weight w of the class prompt in multimodal embeddings: normalize((1 − w)·image + w·text).'),
  REID_MODEL: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
      error: 'must be a model name (lowercase letters, digits, "_", "-") or none',
    })
    .default('osnet_x0_25_msmt17')
    .describe(
      'Person re-identification model the embed stage runs beside the embedding model, on crops of REID_CLASSES (the detection box stretched to its input; a `reid` manifest, built-in `osnet_x0_25_msmt17`); `none` turns it off.',
    ),
  LABEL_CHECK_SECOND_LOOK: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
      error: 'must be a model name (lowercase letters, digits, "_", "-") or none',
    })
    .default('nanodet_m')
    .describe(
      "Second detector the embed stage's label check runs on the crops it flags, for their suggested class and verdict (wrong class or no object); a detection manifest with a square input, built-in `nanodet_m`; `none` turns it off (suggestions then come from the frame's other detections, the embedding model and the detector's next class).",
    ),
  REID_CLASSES: z
    .string()
    .refine((s) => s.split(',').some((c) => c.trim() !== ''), {
      error: 'must name at least one detector label',
    })
    .default('person')
    .describe(
      'Comma-separated detector labels (COCO names, e.g. `person`) whose crops get a re-identification vector; the model was trained on people only.',
    ),
  MIN_CLUSTER_SIZE: numberVar({ int: true, min: 2 }).default(5).describe('HDBSCAN minimum cluster size.'),
  MIN_SAMPLES: numberVar({ int: true, min: 1 })
    .optional()
    .describe('HDBSCAN min samples (core distance neighbours); defaults to MIN_CLUSTER_SIZE.'),
  CLUSTER_SELECTION_EPSILON: numberVar({ min: 0 })
    .default(0)
    .describe('HDBSCAN cluster selection epsilon: clusters closer than this are merged.'),
  CLUSTER_SELECTION_METHOD: enumVar(CLUSTER_SELECTION_METHODS)
    .default('eom')
    .describe('HDBSCAN cluster selection: excess of mass (`eom`) or `leaf`.'),
  ASSOCIATION_MODE: enumVar(ASSOCIATION_MODES)
    .default('tracklets')
    .describe(
      'How the cluster stage groups observations: link them into tracklets over the whole video, then HDBSCAN on tracklets (`tracklets`), or HDBSCAN on observation embeddings alone (`observations`).',
    ),
  TRACK_MAX_LOST_SECONDS: numberVar({ positive: true, max: 60 })
    .default(1.5)
    .describe(
      'Tracklets: how long a track survives without a detection before it ends (seconds, so it holds for any TARGET_FPS).',
    ),
  TRACK_MIN_HITS: numberVar({ int: true, min: 1, max: 100 })
    .default(2)
    .describe('Tracklets: detections a new track needs before it is confirmed.'),
  TRACK_APPEARANCE_WEIGHT: numberVar({ min: 0, max: 1 })
    .default(0.3)
    .describe('Tracklets: weight of appearance (embedding cosine) against motion in the association cost.'),
  TRACK_MATCH_THRESHOLD: numberVar({ positive: true, max: 10 })
    .default(0.75)
    .describe('Tracklets: highest association cost still accepted as a match.'),
  TRACK_CLASS_SWITCH_COST: numberVar({ min: 0, max: 10 })
    .default(0.2)
    .describe(
      'Tracklets: extra cost for linking detections of different classes (a detector class flip stays in its tracklet).',
    ),
  NOISE_POLICY: enumVar(NOISE_POLICIES)
    .default('singletons')
    .describe('Where HDBSCAN noise goes: single entities of its own (`singletons`) or an `unassigned` list.'),
  EXECUTION_PROVIDER: enumVar(EXECUTION_PROVIDER_SETTINGS)
    .default('auto')
    .describe('ONNX Runtime execution provider; `auto` tries CUDA and falls back to CPU.'),
  API_HOST: stringVar().default('0.0.0.0').describe('Address the API listens on.'),
  API_TRUST_PROXY: stringVar()
    .optional()
    .describe(
      'Proxies whose `X-Forwarded-For` names the client (rate limits and failed-authentication counts are per client address): `true` for any, or comma-separated addresses and CIDRs. Unset: the peer address is the client.',
    ),
  API_PORT: numberVar({ int: true, min: 0, max: 65535 })
    .default(3000)
    .describe('Port the API listens on (0: any free port).'),
  API_KEYS: stringVar()
    .optional()
    .describe(
      'API keys as `key=tenant` or `key=tenant:admin`, comma-separated. Admin keys also reach `/v1/queues` and `/admin/queues`.',
    ),
  API_TENANTS_FILE: stringVar()
    .optional()
    .describe(
      'JSON file of tenants with their keys and callback secrets (see docs/api.md); combined with API_KEYS.',
    ),
  CALLBACK_SIGNING_SECRET: stringVar()
    .optional()
    .describe('HMAC-SHA256 secret for callbacks of tenants that have no `callbackSecret` of their own.'),
  CALLBACK_ALLOW_HTTP: booleanVar()
    .default(false)
    .describe('Accept plain `http` callback URLs (development only); otherwise callbacks must be `https`.'),
  CALLBACK_ALLOW_HOSTS: callbackAllowHosts
    .optional()
    .describe(
      'Hostnames and CIDRs (comma-separated, e.g. `hooks.internal,10.1.0.0/16`) callbacks may reach although they are loopback, private, link-local or otherwise internal; everything else internal is refused.',
    ),
  CALLBACK_MAX_PER_HOST: numberVar({ int: true, min: 1, max: 8 })
    .default(2)
    .describe(
      'Callback deliveries in flight at once to one host and port (of 8 delivery slots), so hung receivers cannot hold the others up.',
    ),
  CALLBACK_TIMEOUT_MS: numberVar({ int: true, min: 100, max: 120_000 })
    .default(10_000)
    .describe('A callback delivery not answered within this many milliseconds fails and is retried.'),
  MAX_UPLOAD_BYTES: numberVar({ int: true, positive: true })
    .default(2 * 1024 ** 3)
    .describe('Largest accepted upload per file, in bytes (larger: 413).'),
  RATE_LIMIT_PER_MINUTE: numberVar({ int: true, positive: true })
    .default(600)
    .describe('Requests per minute per API key (or per address without a key).'),
  PROBE_CONCURRENCY: numberVar({ int: true, min: 1, max: 64 })
    .default(2)
    .describe(
      'ffprobe processes the API runs at once to check submitted videos; more wait their turn, tenant by tenant. Each spawn blocks the event loop until the child runs, longer the more children compete for the cores: about the number of cores (2 measured best on 2 cores, see docs/operations.md).',
    ),
  MAX_CONCURRENT_UPLOADS: numberVar({ int: true, positive: true })
    .default(32)
    .describe(
      'Multipart submissions (`POST /v1/videos`) one API process receives at once; past it, 503 `UPLOADS_FULL` with `Retry-After`, nothing stored.',
    ),
  MAX_CONCURRENT_UPLOADS_PER_KEY: numberVar({ int: true, positive: true })
    .default(8)
    .describe(
      'Multipart submissions one API key may have in progress at once (per API process); past it, 429 `TOO_MANY_UPLOADS` with `Retry-After`, nothing stored.',
    ),
  API_MAX_EVENT_LOOP_DELAY_MS: numberVar({ int: true, min: 0 })
    .default(1000)
    .describe(
      'Mean event-loop delay (ms, sampled each second) past which the API answers 503 `OVERLOADED` with `Retry-After` (`/health` and `/metrics` excepted; `/ready` reports it); 0 turns the check off.',
    ),
  API_MAX_EVENT_LOOP_UTILIZATION: numberVar({ min: 0, max: 1 })
    .default(0)
    .describe(
      'Event-loop utilization (0–1, sampled each second) past which the API answers 503 `OVERLOADED`; 0 (default) turns the check off, since a loop busy streaming uploads still answers in milliseconds.',
    ),
  AUTH_FAILURES_PER_MINUTE: numberVar({ int: true, positive: true })
    .default(10)
    .describe(
      'Failed authentications (no key or an unknown one) a client address may make per minute; past that its requests get 429 until the minute is over.',
    ),
  API_RUN_BACKGROUND_WORKERS: booleanVar()
    .default(true)
    .describe('Run the light finalize and callback workers inside the API process.'),
  JANITOR_INTERVAL_SECONDS: numberVar({ int: true, positive: true })
    .default(3600)
    .describe(
      'How often the janitor (run by the API with its background workers) looks for orphans in the store.',
    ),
  ORPHAN_MAX_AGE_SECONDS: numberVar({ int: true, positive: true })
    .default(24 * 3600)
    .describe(
      'Age after which the janitor removes an unfinished upload or a `videos/<id>/` tree that has no video record. Must be longer than the longest upload request: a file waits, stored but not yet recorded, until its request has arrived whole.',
    ),
  DETECT_SCORE_THRESHOLD: numberVar({ min: 0, max: 1 })
    .default(0.3)
    .describe('Detections scoring below this (objectness × class probability) are dropped.'),
  DETECT_CLASSES: stringVar()
    .optional()
    .describe('Comma-separated detector labels to keep (e.g. `person,car`); unset keeps every class.'),
  DETECT_BATCH_SIZE: numberVar({ int: true, min: 1, max: 64 })
    .default(4)
    .describe('Frames per inference run, for detector models whose batch size is dynamic.'),
  DETECT_TILES: enumVar(DETECT_TILE_MODES)
    .default('off')
    .describe(
      "Tiled detection for small objects: `2x2` also detects on four tiles of the frame (20 % overlap, each letterboxed to the model input like the frame) and merges their boxes with the full frame's, for about 5× the detection cost; `auto` does so only for frames at least twice the model input (≥ 832 px for a 416 model: 1280×720 and up), which the letterbox shrinks to half or less while tiles show people at about their own pixel size; `off` never. Off by default: on pedestrian footage tiles gained 3 points of person recall on 1280×960 frames and none on 640×480 or 320×240 ones (docs/benchmarks.md).",
    ),
  DETECT_CONCURRENCY: numberVar({ int: true, min: 1, max: 64 })
    .default(2)
    .describe(
      'Shards one detect-worker process works on at once (one thread and model session each). Two keep the detector busy while the other shard starts ffmpeg, encodes crops and stores its output (+12 % throughput on 2 cores, docs/benchmarks.md); 1 gives a lone shard every core.',
    ),
  CROP_MARGIN: numberVar({ min: 0, max: 1 })
    .default(0.1)
    .describe('Margin added on each side of a box before cutting its crop, as a fraction of the box size.'),
  ORT_INTRA_OP_THREADS: numberVar({ int: true, min: 0, max: 256 })
    .default(0)
    .describe('ONNX Runtime threads per operator in each session; 0 = CPU cores ÷ worker concurrency.'),
  ORT_INTER_OP_THREADS: numberVar({ int: true, min: 1, max: 256 })
    .default(1)
    .describe('ONNX Runtime threads running independent operators in parallel, per session.'),
  ORT_SHARING_PROCESSES: numberVar({ int: true, min: 1, max: 256 })
    .default(2)
    .describe(
      "Worker processes whose ONNX Runtime sessions share this machine's cores (issue #21): with ORT_INTRA_OP_THREADS=0 the embed worker's sessions get CPU cores ÷ (EMBED_CONCURRENCY × this) threads each, so that it does not oversubscribe the cores the detect worker's sessions use. 2: a detect and an embed worker on one machine; 1: the embed worker has the machine to itself (docs/benchmarks.md, Efficiency).",
    ),
  ORT_ALLOW_SPINNING: booleanVar()
    .default(false)
    .describe(
      "Let ONNX Runtime's idle threads spin for work: a little lower latency for a process that has its cores to itself, cycles taken from the others when processes share cores (off: Orion's workers usually share a machine; see docs/benchmarks.md).",
    ),
  WORKER_LOCK_DURATION_MS: numberVar({ int: true, min: 1_000, max: 600_000 })
    .default(10_000)
    .describe(
      "Lock of a detect, embed or cluster job: renewed every half of it by the worker's main thread (jobs run in threads, so a busy job does not delay it); a killed worker's job is taken over once the lock has expired and a stall check has run: within this plus WORKER_STALLED_INTERVAL_MS (15 s by default; docs/operations.md).",
    ),
  WORKER_STALLED_INTERVAL_MS: numberVar({ int: true, min: 1_000, max: 600_000 })
    .default(5_000)
    .describe('How often each worker looks for jobs whose lock expired (stalled: their worker died).'),
  WORKER_MAX_STALLED_COUNT: numberVar({ int: true, min: 0, max: 100 })
    .default(3)
    .describe(
      'Crashes (stalls) a job survives; one more fails it for good. 3: every stage can lose as many workers on one job as its retry policy allows failures (2–3 attempts).',
    ),
  OPS_PORT: numberVar({ int: true, min: 0, max: 65535 })
    .default(9464)
    .describe('Port of each worker’s `/metrics` and `/health` endpoints (0: any free port).'),
  ORION_LOCAL_DIR: stringVar()
    .optional()
    .describe(
      "`npm start`: folder of the local stack (Redis AOF in `redis/`, the filesystem store in `data/`, the admin key, the running API's URL for the CLI); default `<checkout>/.orion/local`.",
    ),
  LOCAL_REDIS_PORT: numberVar({ int: true, min: 0, max: 65535 })
    .default(0)
    .describe(
      '`npm start`: port of the redis-server it starts on 127.0.0.1 (0: any free port). Not used when REDIS_URL is set: then that Redis is used and none is started.',
    ),
  LOCAL_DETECT_REPLICAS: numberVar({ int: true, min: 1, max: 64 })
    .default(1)
    .describe('`npm start`: detect-worker processes to run.'),
  LOCAL_EMBED_REPLICAS: numberVar({ int: true, min: 1, max: 64 })
    .default(1)
    .describe('`npm start`: embed-worker processes to run.'),
  LOCAL_CLUSTER_REPLICAS: numberVar({ int: true, min: 1, max: 64 })
    .default(1)
    .describe('`npm start`: cluster-worker processes to run.'),
  LOG_LEVEL: enumVar(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Log level of every process.'),
});

export type EnvInput = z.input<typeof envSchema>;
export type Env = z.output<typeof envSchema>;
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof Env)[];
