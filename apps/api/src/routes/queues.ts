import { Type } from 'typebox';
import { badRequest, notFound } from '../errors.js';
import { requireAdmin } from '../plugins/app/auth.js';
import { authErrors, errorRef } from '../schemas/common.js';
import type { App } from '../types.js';

const Counts = Type.Object(
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

const FailedJob = Type.Object(
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

const QueueParams = Type.Object({ name: Type.String({ maxLength: 64 }) });
const errors = { 400: errorRef, 403: errorRef, 404: errorRef, ...authErrors };

/** Operations on the pipeline queues; admin keys only. */
export default async function queueRoutes(app: App) {
  const { queues } = app.deps;
  app.addHook('onRequest', requireAdmin);

  const queueOf = (name: string) => {
    if (!queues.isQueueName(name)) throw notFound(`No queue ${name}`);
    return queues.queues[name];
  };

  app.get(
    '/v1/queues',
    {
      schema: {
        tags: ['operations'],
        summary: 'Job counts per queue and state',
        security: [{ bearerAuth: [] }],
        response: {
          200: Type.Object({
            queues: Type.Array(
              Type.Object({ name: Type.String(), counts: Counts }, { additionalProperties: false }),
            ),
          }),
          ...errors,
        },
      },
    },
    async () => ({
      queues: await Promise.all(
        Object.entries(queues.queues).map(async ([name, queue]) => {
          const c = await queue.getJobCounts(
            'waiting',
            'active',
            'completed',
            'failed',
            'delayed',
            'prioritized',
            'waiting-children',
          );
          return {
            name,
            counts: {
              waiting: c.waiting ?? 0,
              active: c.active ?? 0,
              completed: c.completed ?? 0,
              failed: c.failed ?? 0,
              delayed: c.delayed ?? 0,
              prioritized: c.prioritized ?? 0,
              'waiting-children': c['waiting-children'] ?? 0,
            },
          };
        }),
      ),
    }),
  );

  app.get(
    '/v1/queues/:name/failed',
    {
      schema: {
        tags: ['operations'],
        summary: 'Failed jobs of a queue, newest first',
        security: [{ bearerAuth: [] }],
        params: QueueParams,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ jobs: Type.Array(FailedJob) }), ...errors },
      },
    },
    async (req) => {
      const jobs = await queueOf(req.params.name).getFailed(0, (req.query.limit ?? 50) - 1);
      return {
        jobs: jobs.map((job) => {
          const data = job.data as { videoId?: string; shard?: { index?: number } };
          return {
            id: String(job.id),
            name: job.name,
            videoId: data.videoId,
            shardIndex: data.shard?.index,
            reason: job.failedReason,
            attempts: job.attemptsMade,
            failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : undefined,
          };
        }),
      };
    },
  );

  app.post(
    '/v1/queues/:name/jobs/:jobId/retry',
    {
      schema: {
        tags: ['operations'],
        summary: 'Retry a failed job',
        security: [{ bearerAuth: [] }],
        params: Type.Object({ name: Type.String({ maxLength: 64 }), jobId: Type.String({ maxLength: 256 }) }),
        response: {
          202: Type.Object(
            { id: Type.String(), retried: Type.Literal(true) },
            { additionalProperties: false },
          ),
          409: errorRef,
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const queue = queueOf(req.params.name);
      const job = await queue.getJob(req.params.jobId);
      if (!job) throw notFound(`No job ${req.params.jobId} in ${req.params.name}`);
      if (!(await job.isFailed())) throw badRequest(`Job ${req.params.jobId} is not failed`);
      await job.retry('failed');
      return reply.status(202).send({ id: String(job.id), retried: true as const });
    },
  );
}
