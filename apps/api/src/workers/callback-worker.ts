import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  QueueName,
  createRedisConnection,
  parseJobData,
  type CallbackJobResult,
  type Logger,
  type VideoRepository,
} from '@orion/shared';
import { CallbackUrlRefused, type CallbackUrlPolicy } from '../services/callback-url-policy.js';
import type { PipelineQueues } from '../services/pipeline-queues.js';
import type { TenantDirectory } from '../services/tenant-directory.js';
import { videoStatus } from '../services/video-status.js';
import { HostSlots } from './callback-host-slots.js';
import { postToTarget } from './callback-http.js';
import { signCallback } from './callback-signature.js';

export interface CallbackDeps {
  redisUrl: string;
  queues: PipelineQueues;
  videos: VideoRepository;
  tenants: TenantDirectory;
  logger: Logger;
  policy: CallbackUrlPolicy;
  /** Deliveries in flight at once to one host and port. */
  maxPerHost: number;
  timeoutMs: number;
}

/** Delivery slots of one API process; per-host bounds keep a few of them for other receivers. */
const CONCURRENCY = 8;
/** How long a delivery whose receiver is busy steps aside before it looks again. */
const BUSY_HOST_DELAY_MS = 1_000;

/**
 * POSTs the video's final status to its callback URL. The URL is checked again first (DNS may have
 * changed since submit; a refused address fails for good), the connection goes to the address
 * checked, and any non-2xx answer — redirects included — is retried with backoff.
 */
export async function deliverCallback(job: Job, deps: CallbackDeps): Promise<CallbackJobResult> {
  const data = parseJobData(QueueName.callbacks, job.data);
  const record = await deps.videos.get(data.videoId);
  if (!record) return { status: 0 }; // deleted meanwhile: nobody to tell about
  const secret = deps.tenants.callbackSecret(record.tenantId);
  if (!secret) throw new UnrecoverableError(`tenant ${record.tenantId} has no callback secret`);

  let target;
  try {
    target = await deps.policy.check(data.url);
  } catch (err) {
    if (err instanceof CallbackUrlRefused)
      throw new UnrecoverableError(`callback ${data.url} refused: ${err.message}`);
    throw err;
  }
  const body = JSON.stringify({ event: data.event, video: await videoStatus(record, deps.queues) });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'orion-callbacks/1',
    'x-orion-event': data.event,
    'x-orion-delivery': String(job.id),
    'x-orion-timestamp': String(timestamp),
    'x-orion-signature': signCallback(secret, timestamp, body),
  };
  const status = await postToTarget(target, headers, body, deps.timeoutMs);
  if (status < 200 || status > 299) throw new Error(`callback ${data.url} answered ${status}`);
  return { status };
}

export function startCallbackWorker(deps: CallbackDeps): Worker {
  const slots = new HostSlots(deps.maxPerHost);
  const processJob = async (job: Job, token?: string) => {
    const host = URL.canParse(job.data?.url) ? new URL(job.data.url).host : '';
    if (!slots.tryAcquire(host)) {
      // Busy receiver: back to the delayed set without using an attempt, freeing this slot.
      await job.moveToDelayed(Date.now() + BUSY_HOST_DELAY_MS, token);
      throw new DelayedError();
    }
    try {
      return await deliverCallback(job, deps);
    } finally {
      slots.release(host);
    }
  };
  const worker = new Worker(QueueName.callbacks, processJob, {
    connection: createRedisConnection(deps.redisUrl, 'orion-api-callbacks'),
    prefix: deps.queues.prefix,
    concurrency: CONCURRENCY,
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
