import { Type } from 'typebox';

export const QueueCounts = Type.Object(
  {
    waiting: Type.Integer(),
    active: Type.Integer(),
    completed: Type.Integer(),
    failed: Type.Integer(),
    delayed: Type.Integer(),
    prioritized: Type.Integer(),
    'waiting-children': Type.Integer(),
  },
  { additionalProperties: false },
);

export const FailedJob = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    videoId: Type.Optional(Type.String()),
    shardIndex: Type.Optional(Type.Integer()),
    reason: Type.String(),
    attempts: Type.Integer(),
    failedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const QueueParams = Type.Object({ name: Type.String({ maxLength: 64 }) });

export const QueueList = Type.Object({
  queues: Type.Array(
    Type.Object({ name: Type.String(), counts: QueueCounts }, { additionalProperties: false }),
  ),
});

export const FailedJobsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
  { additionalProperties: false },
);

export const FailedJobList = Type.Object({ jobs: Type.Array(FailedJob) });

export const JobParams = Type.Object({
  name: Type.String({ maxLength: 64 }),
  jobId: Type.String({ maxLength: 256 }),
});

export const JobRetried = Type.Object(
  { id: Type.String(), retried: Type.Literal(true) },
  { additionalProperties: false },
);
