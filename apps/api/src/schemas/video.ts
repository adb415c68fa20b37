import { Type, type Static, type TSchema } from 'typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

// Mirrors VIDEO_STATES in @orion/shared (a test checks they agree).
export const VideoState = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('processing'),
    Type.Literal('completed'),
    Type.Literal('failed'),
    Type.Literal('canceled'),
  ],
  { description: 'queued → processing → completed | failed | canceled' },
);

export const SubmitOptions = Type.Object(
  {
    callbackUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 })),
    targetFps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 120 })),
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

export const SubmittedItem = Type.Object(
  {
    filename: Type.Optional(Type.String()),
    key: Type.Optional(Type.String()),
    id: Type.Optional(Type.String({ description: 'Video id; absent when this file was refused' })),
    state: Type.Optional(VideoState),
    statusUrl: Type.Optional(Type.String()),
    shards: Type.Optional(Type.Integer()),
    error: Type.Optional(
      Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const SubmitResponse = Type.Object(
  {
    videos: Type.Array(SubmittedItem),
    accepted: Type.Integer(),
    rejected: Type.Integer(),
  },
  { $id: 'SubmitResponse', additionalProperties: false },
);
export type SubmitResponse = Static<typeof SubmitResponse>;

const StageProgress = Type.Object(
  {
    state: Type.Union([
      Type.Literal('pending'),
      Type.Literal('running'),
      Type.Literal('done'),
      Type.Literal('failed'),
    ]),
    completed: Type.Integer(),
    total: Type.Integer(),
    busyMs: Type.Number({ description: 'Sum of the jobs’ processing time' }),
    wallMs: Nullable(Type.Number({ description: 'First job start to last job end' })),
    executionProviders: Type.Array(Type.String(), { description: 'Providers the jobs really ran on' }),
  },
  { additionalProperties: false },
);

export const VideoStatus = Type.Object(
  {
    id: Type.String(),
    state: VideoState,
    stage: Type.Union([
      Type.Literal('queued'),
      Type.Literal('detect'),
      Type.Literal('embed'),
      Type.Literal('cluster'),
      Type.Literal('done'),
    ]),
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
      { frames: Type.Integer(), detections: Type.Integer(), entities: Nullable(Type.Integer()) },
      { additionalProperties: false },
    ),
    runId: Type.String({ description: 'The clustering run whose results are current' }),
    association: Type.Union([Type.Literal('tracklets'), Type.Literal('observations')], {
      description: 'How the current run grouped observations into entities',
    }),
    pendingRunId: Type.Optional(Type.String({ description: 'A recluster in progress' })),
    reclusterError: Type.Optional(
      Type.Object({ runId: Type.String(), message: Type.String() }, { additionalProperties: false }),
    ),
    error: Type.Optional(
      Type.Object(
        {
          stage: Type.String(),
          shardIndex: Type.Optional(Type.Integer()),
          jobId: Type.Optional(Type.String()),
          attempts: Type.Optional(Type.Integer()),
          message: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'VideoStatus', additionalProperties: false },
);
export type VideoStatus = Static<typeof VideoStatus>;

export const VideoList = Type.Object(
  {
    videos: Type.Array(Type.Ref('VideoStatus')),
    nextCursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const VideoIdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 128 })),
    state: Type.Optional(VideoState),
  },
  { additionalProperties: false },
);
