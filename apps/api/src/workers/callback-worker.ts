import { UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  QueueName,
  createRedisConnection,
  parseJobData,
  type CallbackJobResult,
  type Logger,
  type VideoRepository,
} from '@orion/shared';
import type { PipelineQueues } from '../services/pipeline-queues.js';
import type { TenantDirectory } from '../services/tenant-directory.js';
import { videoStatus } from '../services/video-status.js';
import { signCallback } from './callback-signature.js';

export interface CallbackDeps {
  redisUrl: string;
  queues: PipelineQueues;
  videos: VideoRepository;
  tenants: TenantDirectory;
  logger: Logger;
  timeoutMs?: number;
}

/** POSTs the video's final status to its callback URL; any non-2xx answer is retried with backoff. */
export async function deliverCallback(job: Job, deps: CallbackDeps): Promise<CallbackJobResult> {
  const data = parseJobData(QueueName.callbacks, job.data);
  const record = await deps.videos.get(data.videoId);
  if (!record) return { status: 0 }; // deleted meanwhile: nobody to tell about
  const secret = deps.tenants.callbackSecret(record.tenantId);
  if (!secret) throw new UnrecoverableError(`tenant ${record.tenantId} has no callback secret`);

  const body = JSON.stringify({ event: data.event, video: await videoStatus(record, deps.queues) });
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(data.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'orion-callbacks/1',
      'x-orion-event': data.event,
      'x-orion-delivery': String(job.id),
      'x-orion-timestamp': String(timestamp),
      'x-orion-signature': signCallback(secret, timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
  });
  if (!res.ok) throw new Error(`callback ${data.url} answered ${res.status}`);
  return { status: res.status };
}

export function startCallbackWorker(deps: CallbackDeps): Worker {
  const worker = new Worker(QueueName.callbacks, (job) => deliverCallback(job, deps), {
    connection: createRedisConnection(deps.redisUrl, 'orion-api-callbacks'),
    prefix: deps.queues.prefix,
    concurrency: 8,
  });
  worker.on('failed', (job, err) =>
    deps.logger.warn(
      { err: err.message, jobId: job?.id, attempts: job?.attemptsMade },
      'callback delivery failed',
    ),
  );
  worker.on('error', (err) => deps.logger.error({ err }, 'callback worker error'));
  return worker;
}
