import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger/logger.js';
import type { QueueName } from '../queues/names.js';
import { VideoTombstones } from '../videos/video-tombstone.js';
import { JobThreadPool } from './job-thread-pool.js';
import type { ServiceContext } from './service-context.js';
import { onShutdown } from './shutdown.js';

/*
 * A BullMQ worker whose jobs run in worker threads. CPU-bound work (ONNX Runtime runs synchronously)
 * would otherwise block the event loop that renews job locks, and a healthy long job would be
 * declared stalled and run twice. The main thread only talks to Redis; the threads (JobThreadPool)
 * run the processor module (defineJobProcessor), one job at a time each.
 */

export interface StartWorkerOptions<Q extends QueueName> {
  queue: Q;
  /** Module whose default export is `defineJobProcessor(...)` (a .ts file runs through tsx). */
  processor: URL;
  /** Jobs in parallel: one thread each. */
  concurrency: number;
  connection: Redis;
  prefix: string;
  logger: Logger;
  /** Variables set for the threads over this process's environment (their config comes from it). */
  env?: NodeJS.ProcessEnv;
  /** Extra BullMQ worker options (lock duration, stalled interval …). */
  workerOptions?: Partial<WorkerOptions>;
}

export interface RunningWorker {
  worker: Worker;
  /** Stops taking jobs, waits for the running ones to finish, then ends the threads. */
  close(): Promise<void>;
}

/** Starts the job threads (failing if any cannot initialise), then the BullMQ worker. */
export async function startWorker<Q extends QueueName>(opts: StartWorkerOptions<Q>): Promise<RunningWorker> {
  const { queue, logger } = opts;
  const pool = new JobThreadPool({
    processor: opts.processor,
    size: opts.concurrency,
    logger,
    env: opts.env,
  });
  await pool.start();
  const tombstones = new VideoTombstones(opts.connection, opts.prefix);
  const isDeleted = (job: Job) => {
    const videoId = (job.data as { videoId?: unknown } | undefined)?.videoId;
    return typeof videoId === 'string' ? tombstones.isDeleted(videoId) : Promise.resolve(false);
  };
  const runJob = (job: Job) =>
    pool.run(job, { onProgress: (value) => job.updateProgress(value), isDeleted: () => isDeleted(job) });
  const worker = new Worker(queue, runJob, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    // Recorded on every job it processes (`processedBy`): which process ran what, across machines.
    name: `${hostname()}:${process.pid}`,
    ...opts.workerOptions,
  });
  const jobFields = (job: Job | undefined) => ({
    queue,
    jobId: job?.id,
    videoId: (job?.data as { videoId?: string } | undefined)?.videoId,
  });
  worker.on('active', (job) =>
    logger.info({ ...jobFields(job), attempt: job.attemptsMade + 1 }, 'job started'),
  );
  worker.on('completed', (job, result: unknown) =>
    logger.info({ ...jobFields(job), result }, 'job completed'),
  );
  worker.on('failed', (job, err) => {
    const attempts = job?.opts.attempts ?? 1;
    const retry = job !== undefined && job.attemptsMade < attempts && !(err instanceof UnrecoverableError);
    logger.error({ ...jobFields(job), attempt: job?.attemptsMade, err: err.message, retry }, 'job failed');
  });
  worker.on('stalled', (jobId) => logger.warn({ queue, jobId }, 'job stalled'));
  worker.on('error', (err) => logger.error({ queue, err: err.message }, 'worker error'));
  await worker.waitUntilReady();
  return {
    worker,
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}

export interface RunningServiceWorker extends RunningWorker {
  /** Adds a step to the shutdown, run after the jobs have finished and before Redis is closed. */
  atShutdown(step: () => Promise<void>): void;
}

/**
 * For a worker process's entry point: starts the worker on the service's Redis and queue prefix, and
 * on SIGTERM/SIGINT finishes the running jobs before closing everything and exiting.
 */
export async function runWorker<Q extends QueueName>(
  ctx: ServiceContext,
  opts: Omit<StartWorkerOptions<Q>, 'connection' | 'prefix' | 'logger'>,
): Promise<RunningServiceWorker> {
  const { lockDurationMs, stalledIntervalMs, maxStalledCount } = ctx.config.workerLocks;
  const running = await startWorker({
    ...opts,
    // A killed worker's job is back in `wait` within lockDuration + stalledInterval; a stall beyond
    // maxStalledCount fails the job for good (BullMQ does not count stalls as attempts).
    workerOptions: {
      lockDuration: lockDurationMs,
      stalledInterval: stalledIntervalMs,
      maxStalledCount,
      ...opts.workerOptions,
    },
    connection: ctx.redis,
    prefix: ctx.config.redis.queuePrefix,
    logger: ctx.logger,
  });
  const steps: (() => Promise<void>)[] = [];
  onShutdown(ctx.logger, async () => {
    await running.close();
    for (const step of steps) await step();
    await ctx.close();
  });
  return { ...running, atShutdown: (step) => steps.push(step) };
}
