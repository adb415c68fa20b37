import type { Job } from 'bullmq';
import { QueueName, isTerminalState, jobIds, type VideoRecord } from '@orion/shared';
import { HttpError, badRequest, notFound } from '../errors.js';
import { requireAdmin } from '../plugins/app/auth.js';
import { authErrors, security, errorRef } from '../schemas/common.js';
import {
  FailedJobList,
  FailedJobsQuery,
  JobParams,
  JobRetried,
  QueueList,
  QueueParams,
} from '../schemas/queues.js';
import { retryVideo } from '../services/video-retry.js';
import type { App } from '../types.js';

const errors = { 400: errorRef, 403: errorRef, 404: errorRef, ...authErrors };

/** Operations on the pipeline queues; admin keys only. */
export default async function queueRoutes(app: App) {
  const { queues, videos, redis } = app.deps;
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
        security,
        response: { 200: QueueList, ...errors },
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
        security,
        params: QueueParams,
        querystring: FailedJobsQuery,
        response: { 200: FailedJobList, ...errors },
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

  /** The video whose current run this job belongs to (detect, embed, cluster or finalize), if any. */
  const videoOfRun = async (job: Job): Promise<VideoRecord | undefined> => {
    const videoId = (job.data as { videoId?: unknown }).videoId;
    if (typeof videoId !== 'string') return undefined;
    const record = await videos.get(videoId);
    if (!record) return undefined;
    const shards = Array.from({ length: record.plan.shardCount }, (_, k) => k);
    const ids: Partial<Record<string, string[]>> = {
      [QueueName.detect]: shards.map((k) => jobIds.detect(videoId, k)),
      [QueueName.embed]: shards.map((k) => jobIds.embed(videoId, k)),
      [QueueName.cluster]: [jobIds.cluster(videoId, record.runId)],
      [QueueName.finalize]: [jobIds.finalize(videoId, record.runId)],
    };
    return ids[job.queueName]?.includes(String(job.id)) ? record : undefined;
  };

  app.post(
    '/v1/queues/:name/jobs/:jobId/retry',
    {
      schema: {
        tags: ['operations'],
        summary: 'Retry a failed job',
        description:
          'A failed job of a failed video (or its finalize job) retries the whole video, as ' +
          '`POST /v1/videos/:id/retry` does, so that cluster and finalize run again.',
        security,
        params: JobParams,
        response: { 202: JobRetried, 409: errorRef, ...errors },
      },
    },
    async (req, reply) => {
      const queue = queueOf(req.params.name);
      const job = await queue.getJob(req.params.jobId);
      if (!job) throw notFound(`No job ${req.params.jobId} in ${req.params.name}`);
      const failed = await job.isFailed();
      // A job of a video's run: retrying it alone would leave its failed parents failed.
      const record = await videoOfRun(job);
      if (record?.state === 'failed' && (failed || job.id === jobIds.finalize(record.id, record.runId))) {
        await retryVideo(record.id, { redis, queues, videos });
        return reply.status(202).send({ id: String(job.id), retried: true as const });
      }
      // Its video is running (or was just retried by another request): nothing to retry now.
      if (record && !isTerminalState(record.state)) {
        throw new HttpError(
          409,
          'VIDEO_IN_FLIGHT',
          `Video ${record.id} is still running its other jobs: retry once it has failed`,
        );
      }
      if (!failed) throw badRequest(`Job ${req.params.jobId} is not failed`);
      await job.retry('failed');
      return reply.status(202).send({ id: String(job.id), retried: true as const });
    },
  );
}
