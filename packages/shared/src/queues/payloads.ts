import { z } from 'zod';
import { runIdSchema, videoIdSchema } from './layout.js';
import { QueueName } from './names.js';
import { parseOrThrow } from '../validation/parse-or-throw.js';
import {
  ASSOCIATION_MODES,
  CALLBACK_EVENTS,
  CLUSTER_SELECTION_METHODS,
  CLUSTER_EMBEDDINGS,
  NOISE_POLICIES,
} from '../vocabulary.js';

// Job data carries ids, storage keys and small parameters; never frames, crops or embeddings.

const storageKey = z.string().min(1).max(1024);
const tenantId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

export const shardSpanSchema = z
  .object({
    index: z.number().int().min(0),
    count: z.number().int().min(1),
    /** Inclusive start of the shard's time range, in seconds of the source. */
    startSeconds: z.number().min(0),
    /** Exclusive end of the time range. */
    endSeconds: z.number().positive(),
  })
  .strict()
  .refine((s) => s.endSeconds > s.startSeconds, { error: 'endSeconds must be after startSeconds' })
  .refine((s) => s.index < s.count, { error: 'index must be below count' });

export const detectJobSchema = z
  .object({
    videoId: videoIdSchema,
    tenantId,
    sourceKey: storageKey,
    shard: shardSpanSchema,
    targetFps: z.number().positive().max(120),
  })
  .strict();

export const embedJobSchema = z
  .object({
    videoId: videoIdSchema,
    tenantId,
    shard: shardSpanSchema,
  })
  .strict();

/** HDBSCAN's settings, as configured (env) and as each clustering run records them. */
export const clusteringSettingsSchema = z
  .object({
    minClusterSize: z.number().int().min(2),
    minSamples: z.number().int().min(1),
    clusterSelectionEpsilon: z.number().min(0),
    clusterSelectionMethod: z.enum(CLUSTER_SELECTION_METHODS),
  })
  .strict();

/** How one clustering run groups a video's observations: what a recluster may change. */
export const runSettingsSchema = z
  .object({
    embedding: z.enum(CLUSTER_EMBEDDINGS),
    association: z.enum(ASSOCIATION_MODES),
    noise: z.enum(NOISE_POLICIES),
    clustering: clusteringSettingsSchema,
  })
  .strict();

export const clusterJobSchema = z
  .object({
    videoId: videoIdSchema,
    tenantId,
    shardCount: z.number().int().min(1),
    runId: runIdSchema,
    ...runSettingsSchema.shape,
  })
  .strict();

export const finalizeJobSchema = z
  .object({
    videoId: videoIdSchema,
    tenantId,
    runId: runIdSchema,
  })
  .strict();

export const callbackJobSchema = z
  .object({
    videoId: videoIdSchema,
    tenantId,
    url: z.url({ protocol: /^https?$/ }),
    event: z.enum(CALLBACK_EVENTS),
  })
  .strict();

export const identitiesJobSchema = z
  .object({
    tenantId,
    /** What asked for it: a video that completed, or a recompute request. */
    reason: z.enum(['video-completed', 'requested']),
  })
  .strict();

export type ShardSpan = z.infer<typeof shardSpanSchema>;
export type DetectJobData = z.infer<typeof detectJobSchema>;
export type EmbedJobData = z.infer<typeof embedJobSchema>;
export type ClusteringSettings = z.infer<typeof clusteringSettingsSchema>;
export type RunSettings = z.infer<typeof runSettingsSchema>;
export type ClusterJobData = z.infer<typeof clusterJobSchema>;
export type FinalizeJobData = z.infer<typeof finalizeJobSchema>;
export type CallbackJobData = z.infer<typeof callbackJobSchema>;
export type IdentitiesJobData = z.infer<typeof identitiesJobSchema>;

const schemas = {
  [QueueName.detect]: detectJobSchema,
  [QueueName.embed]: embedJobSchema,
  [QueueName.cluster]: clusterJobSchema,
  [QueueName.finalize]: finalizeJobSchema,
  [QueueName.callbacks]: callbackJobSchema,
  [QueueName.identities]: identitiesJobSchema,
} as const satisfies Record<QueueName, z.ZodType>;

export type JobDataByQueue = { [Q in QueueName]: z.infer<(typeof schemas)[Q]> };

/** A job whose data does not match its queue's contract: a bug upstream, never worth retrying. */
export class InvalidJobDataError extends Error {
  constructor(queue: QueueName, issues: string[]) {
    super(`Invalid ${queue} job data: ${issues.join('; ')}`);
    this.name = 'InvalidJobDataError';
  }
}

export function parseJobData<Q extends QueueName>(queue: Q, data: unknown): JobDataByQueue[Q] {
  return parseOrThrow(
    schemas[queue],
    data,
    (issues) => new InvalidJobDataError(queue, issues),
  ) as JobDataByQueue[Q];
}
