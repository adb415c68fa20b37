import type { Job } from 'bullmq';
import { z } from 'zod';
import { EMBEDDING_BACKENDS, EXECUTION_PROVIDERS } from '../vocabulary.js';
import { parseOrThrow } from '../validation/parse-or-throw.js';
import { QueueName } from './names.js';

/*
 * What jobs return (BullMQ `returnvalue`) and report as progress: small summaries, never payloads.
 * One schema per queue, as for job data (payloads.ts); whoever reads a result (the API's status and
 * finalize step, benchmarks) parses it here, so a worker of another version fails loudly, not as zeros.
 * Every stage that runs a model names the provider that really ran it `executionProvider`.
 */

/** Progress a job reports while it works through a known number of items (frames, crops …). */
export interface JobProgress {
  stage: string;
  done: number;
  total: number;
  /** 0–100. */
  percent: number;
}

const ms = z.number().min(0);
const count = z.number().int().min(0);
const executionProvider = z.enum(EXECUTION_PROVIDERS);

export const detectJobResultSchema = z.object({
  videoId: z.string(),
  shardIndex: count,
  /** Frames decoded and run through the detector. */
  frames: count,
  /** Frames the shard's time range should hold at the target fps. */
  expectedFrames: count,
  detections: count,
  model: z.string(),
  /** Session runs (batches) behind `timings.inferenceMs`. */
  inferenceRuns: count,
  /** The execution provider that really ran the model (not merely the one requested). */
  executionProvider,
  timings: z.object({
    /** Waiting for ffmpeg to hand over frames (decoding not overlapped with detection). */
    decodeWaitMs: ms,
    /** Resize and normalise frames into the model input. */
    preprocessMs: ms,
    /** ONNX Runtime session runs. */
    inferenceMs: ms,
    /** Output decoding and NMS. */
    postprocessMs: ms,
    /** Cutting and JPEG-encoding crops (the part not overlapped with detection). */
    cropsMs: ms,
    /** Writing detections and crops to the store. */
    storeMs: ms,
    totalMs: ms,
  }),
  keys: z.object({ detections: z.string(), crops: z.string(), cropsIndex: z.string() }),
});

export const embedJobResultSchema = z.object({
  videoId: z.string(),
  shardIndex: count,
  /** Crops embedded (rows per matrix). */
  count,
  dim: count,
  backend: z.enum(EMBEDDING_BACKENDS),
  model: z.string(),
  /** The execution provider that really ran the image encoder (not merely the one requested). */
  executionProvider,
  multimodal: z.boolean(),
  verification: z
    .object({ verified: count, matches: count, mismatches: count, unverifiable: count })
    .nullable(),
  timings: z.object({
    /** Reading crops and detections from the store. */
    readMs: ms,
    /** Decoding JPEGs and resizing them into the model input. */
    preprocessMs: ms,
    /** Image encoder runs. */
    inferenceMs: ms,
    /** Text encoder runs (prompts not yet cached). */
    textMs: ms,
    /** Writing embeddings.bin and embeddings.json. */
    storeMs: ms,
    /** Re-id model: decoding, cutting and stretching the boxes, and its runs (absent when REID_MODEL=none). */
    reidMs: ms.optional(),
    /** Label check: its evidence, model and the second look at flagged crops (absent when off). */
    labelCheckMs: ms.optional(),
    totalMs: ms,
  }),
  /** Crops per second over the whole job. */
  cropsPerSecond: z.number().min(0),
  keys: z.object({ embeddings: z.string(), embeddingsIndex: z.string() }),
  /** The re-id vectors computed beside the embeddings; absent when REID_MODEL=none. */
  reid: z
    .object({
      model: z.string(),
      executionProvider,
      dim: count,
      /** Crops whose label is one of `classes`, each with a re-id vector. */
      crops: count,
      classes: z.array(z.string()),
    })
    .optional(),
});

export const clusterJobResultSchema = z.object({
  runId: z.string(),
  observations: count,
  tracklets: count,
  entities: count,
  unassigned: count,
  flaggedObservations: count,
  likelyFalsePositives: count,
  /** Milliseconds per step of the stage (gather, associate, …, total). */
  timings: z.record(z.string(), ms),
  /** HDBSCAN's distance pass runs on onnxruntime's CPU provider. */
  executionProvider,
});

export const finalizeJobResultSchema = z.object({
  /** The state the run ended in, or what made finalizing moot (`deleted`, `canceled`, recluster outcomes). */
  state: z.string(),
});

export const callbackJobResultSchema = z.object({
  /** The receiver's HTTP status; 0 when the video was deleted and nobody was called. */
  status: z.number().int().min(0),
});

export const identitiesJobResultSchema = z.object({
  /** Entities grouped, identities found, and of those the ones with appearances in two or more videos. */
  entities: z.number().int().min(0),
  identities: z.number().int().min(0),
  acrossVideos: z.number().int().min(0),
  /** Entities of pools over IDENTITIES_MAX_POOL that were not grouped. */
  leftOut: z.number().int().min(0).optional(),
});

export type DetectJobResult = z.infer<typeof detectJobResultSchema>;
export type DetectTimings = DetectJobResult['timings'];
export type EmbedJobResult = z.infer<typeof embedJobResultSchema>;
export type EmbedTimings = EmbedJobResult['timings'];
export type ClusterJobResult = z.infer<typeof clusterJobResultSchema>;
/** What the cluster stage itself computes; the processor adds the provider. */
export type ClusterSummary = Omit<ClusterJobResult, 'executionProvider'>;
export type FinalizeJobResult = z.infer<typeof finalizeJobResultSchema>;
export type CallbackJobResult = z.infer<typeof callbackJobResultSchema>;
export type IdentitiesJobResult = z.infer<typeof identitiesJobResultSchema>;

const schemas = {
  [QueueName.detect]: detectJobResultSchema,
  [QueueName.embed]: embedJobResultSchema,
  [QueueName.cluster]: clusterJobResultSchema,
  [QueueName.finalize]: finalizeJobResultSchema,
  [QueueName.callbacks]: callbackJobResultSchema,
  [QueueName.identities]: identitiesJobResultSchema,
} as const satisfies Record<QueueName, z.ZodType>;

export type JobResultByQueue = { [Q in QueueName]: z.infer<(typeof schemas)[Q]> };

/** A completed job whose result does not match its queue's contract (a worker of another version). */
export class InvalidJobResultError extends Error {
  constructor(queue: QueueName, jobId: string | undefined, issues: string[]) {
    super(`Invalid ${queue} job result${jobId ? ` of ${jobId}` : ''}: ${issues.join('; ')}`);
    this.name = 'InvalidJobResultError';
  }
}

export function parseJobResult<Q extends QueueName>(
  queue: Q,
  value: unknown,
  jobId?: string,
): JobResultByQueue[Q] {
  return parseOrThrow(
    schemas[queue],
    value,
    (issues) => new InvalidJobResultError(queue, jobId, issues),
  ) as JobResultByQueue[Q];
}

/** The typed result of a completed job of `queue`. */
export function jobResult<Q extends QueueName>(
  queue: Q,
  job: Pick<Job, 'id' | 'returnvalue'>,
): JobResultByQueue[Q] {
  return parseJobResult(queue, job.returnvalue, job.id);
}
