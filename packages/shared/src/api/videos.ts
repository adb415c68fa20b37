import { Type, type Static } from 'typebox';
import {
  ASSOCIATION_MODES,
  CLUSTER_SELECTION_METHODS,
  CLUSTER_EMBEDDINGS,
  JOB_PHASES,
  NOISE_POLICIES,
  STATUS_STAGES,
  STATUS_WARNING_CODES,
  VIDEO_STATES,
} from '../vocabulary.js';
import { Nullable, literalUnion } from './schema-helpers.js';

export const VideoState = literalUnion(VIDEO_STATES, {
  description: 'queued → processing → completed | failed | canceled',
});

export const SubmitOptions = Type.Object(
  {
    // Checked by the API's callback policy, the same way for JSON and multipart (one message, one code).
    callbackUrl: Type.Optional(
      Type.String({
        description:
          'Where the final status is POSTed: an https URL (http only where the operator allows it) of at most 2048 characters, to a host with public addresses only; internal addresses are refused (docs/security.md)',
      }),
    ),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 })),
    targetFps: Type.Optional(
      Type.Number({
        minimum: 0.01,
        maximum: 120,
        description: 'Frames per second sampled for detection, from one per 100 s (0.01) to 120',
      }),
    ),
    shardSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600 })),
  },
  { additionalProperties: false },
);
export type SubmitOptions = Static<typeof SubmitOptions>;

export const SubmitSourcesBody = Type.Object(
  {
    sources: Type.Array(
      Type.Object(
        {
          key: Type.String({
            minLength: 1,
            maxLength: 1024,
            description: 'Key of an object already in the bucket',
          }),
          filename: Type.Optional(Type.String({ maxLength: 255 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    ...SubmitOptions.properties,
  },
  { additionalProperties: false },
);
export type SubmitSourcesBody = Static<typeof SubmitSourcesBody>;

/** One file's entry in the answer to a submission: its video, or why it was refused. */
export const SubmittedItem = Type.Object(
  {
    filename: Type.Optional(Type.String()),
    key: Type.Optional(Type.String()),
    id: Type.Optional(Type.String({ description: 'Video id; absent when this file was refused' })),
    state: Type.Optional(VideoState),
    statusUrl: Type.Optional(Type.String()),
    shards: Type.Optional(Type.Integer()),
    shardSeconds: Type.Optional(
      Type.Number({
        description:
          'Shard length used: the requested (or default) one, raised where it would make more than the server’s MAX_SHARDS_PER_VIDEO shards',
      }),
    ),
    error: Type.Optional(
      Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type SubmittedItem = Static<typeof SubmittedItem>;

export const SubmitResponse = Type.Object(
  {
    videos: Type.Array(SubmittedItem),
    accepted: Type.Integer(),
    rejected: Type.Integer(),
  },
  { $id: 'SubmitResponse', additionalProperties: false },
);
export type SubmitResponse = Static<typeof SubmitResponse>;

export const StageProgress = Type.Object(
  {
    state: literalUnion(JOB_PHASES),
    completed: Type.Integer(),
    total: Type.Integer(),
    busyMs: Type.Number({ description: 'Sum of the jobs’ processing time' }),
    wallMs: Nullable(Type.Number({ description: 'First job start to last job end' })),
    executionProviders: Type.Array(Type.String(), { description: 'Providers the jobs really ran on' }),
    stalls: Type.Integer({
      description:
        'Times a worker died or froze holding one of these jobs; each was taken up again by another (docs/operations.md#crash-recovery)',
    }),
  },
  { additionalProperties: false },
);
export type StageProgress = Static<typeof StageProgress>;

/** Something that went less well than planned without failing the video. */
export const StatusWarning = Type.Object(
  { code: literalUnion(STATUS_WARNING_CODES), message: Type.String() },
  { additionalProperties: false },
);
export type StatusWarning = Static<typeof StatusWarning>;

/** Why a video failed: the job that really failed (not the parents it failed in turn). */
export const StatusFailure = Type.Object(
  {
    stage: Type.String(),
    shardIndex: Type.Optional(Type.Integer()),
    jobId: Type.Optional(Type.String()),
    attempts: Type.Optional(Type.Integer()),
    message: Type.String(),
  },
  { additionalProperties: false },
);

export const VideoStatus = Type.Object(
  {
    id: Type.String(),
    state: VideoState,
    stage: literalUnion(STATUS_STAGES),
    percent: Type.Integer({ minimum: 0, maximum: 100, description: '100 only when completed' }),
    filename: Type.Optional(Type.String()),
    tags: Type.Array(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
    video: Type.Object(
      {
        durationSeconds: Type.Number(),
        width: Type.Integer(),
        height: Type.Integer(),
        fps: Type.Number(),
        codec: Type.String(),
      },
      { additionalProperties: false },
    ),
    plan: Type.Object(
      { shardSeconds: Type.Number(), targetFps: Type.Number(), shardCount: Type.Integer() },
      { additionalProperties: false },
    ),
    progress: Type.Object(
      { detect: StageProgress, embed: StageProgress, cluster: StageProgress },
      { additionalProperties: false },
    ),
    counts: Type.Object(
      {
        frames: Type.Integer({ description: 'Frames decoded and run through the detector' }),
        expectedFrames: Type.Integer({
          description: 'Frames the finished detect jobs should have sampled at the plan’s fps',
        }),
        detections: Type.Integer(),
        entities: Nullable(Type.Integer()),
      },
      { additionalProperties: false },
    ),
    warnings: Type.Optional(
      Type.Array(StatusWarning, {
        description: 'What went less well than planned without failing the video (docs/api.md#warnings)',
      }),
    ),
    runId: Type.String({ description: 'The clustering run whose results are current' }),
    association: literalUnion(ASSOCIATION_MODES, {
      description: 'How the current run grouped observations into entities',
    }),
    embedding: literalUnion(CLUSTER_EMBEDDINGS, {
      description:
        'Which vectors the current run compared: `reid` = re-id vectors for REID_CLASSES, the vision embedding for the rest',
    }),
    pendingRunId: Type.Optional(Type.String({ description: 'A recluster in progress' })),
    reclusterError: Type.Optional(
      Type.Object({ runId: Type.String(), message: Type.String() }, { additionalProperties: false }),
    ),
    error: Type.Optional(StatusFailure),
    retries: Type.Optional(
      Type.Integer({ minimum: 1, description: 'How many times the video was retried after failing' }),
    ),
    failures: Type.Optional(
      Type.Array(
        Type.Object(
          {
            at: Type.String({ format: 'date-time', description: 'When the job failed' }),
            ...StatusFailure.properties,
          },
          { additionalProperties: false },
        ),
        {
          description:
            'Failures that retries moved out of `error`, oldest first: the history stays after a retry succeeds',
        },
      ),
    ),
  },
  { $id: 'VideoStatus', additionalProperties: false },
);
export type VideoStatus = Static<typeof VideoStatus>;

/** Most ids one bulk status request (`GET /v1/videos?ids=…`) may name. */
export const MAX_STATUS_IDS = 100;

export const VideoList = Type.Object(
  {
    videos: Type.Array(Type.Ref('VideoStatus')),
    nextCursor: Type.Optional(Type.String()),
    missing: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'With `ids`: the ids asked for that this key cannot see (unknown, deleted, or another tenant’s), each answered as a 404 would be.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type VideoList = { videos: VideoStatus[]; nextCursor?: string; missing?: string[] };

/** Settings of a new clustering run; each left out keeps the current run's. */
export const ReclusterBody = Type.Object(
  {
    minClusterSize: Type.Optional(Type.Integer({ minimum: 2, maximum: 10000 })),
    minSamples: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    clusterSelectionEpsilon: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
    clusterSelectionMethod: Type.Optional(literalUnion(CLUSTER_SELECTION_METHODS)),
    embedding: Type.Optional(literalUnion(CLUSTER_EMBEDDINGS)),
    association: Type.Optional(literalUnion(ASSOCIATION_MODES)),
    noise: Type.Optional(literalUnion(NOISE_POLICIES)),
  },
  { additionalProperties: false },
);
export type ReclusterBody = Static<typeof ReclusterBody>;

export const ReclusterAccepted = Type.Object(
  {
    id: Type.String(),
    runId: Type.String(),
    previousRunId: Type.String(),
    statusUrl: Type.String(),
  },
  { additionalProperties: false },
);
export type ReclusterAccepted = Static<typeof ReclusterAccepted>;
