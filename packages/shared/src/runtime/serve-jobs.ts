import type { MessagePort } from 'node:worker_threads';
import { loadConfig } from '../config/load-config.js';
import { createLogger, jobLogger } from '../logger/logger.js';
import type { QueueName } from '../queues/names.js';
import { parseJobData } from '../queues/payloads.js';
import { createObjectStore } from '../storage/create-object-store.js';
import { VideoDeletedError, storeForVideoJob } from '../videos/video-tombstone.js';
import type { JobProcessorDefinition, ProcessorContext } from './job-processor.js';
import { serializeError, type FromThread, type ThreadJob, type ToThread } from './thread-messages.js';

/** Runs `def.init`, then each job the main thread sends on `port`, until it says stop. */
export async function serveJobs<Q extends QueueName, S, R>(
  def: JobProcessorDefinition<Q, S, R>,
  port: MessagePort,
): Promise<void> {
  const post = (msg: FromThread) => port.postMessage(msg);
  let ctx: ProcessorContext;
  let state: S;
  try {
    const config = loadConfig();
    ctx = {
      config,
      logger: createLogger({ name: def.name, level: config.logLevel }),
      store: createObjectStore(config),
    };
    state = await def.init(ctx);
  } catch (err) {
    post({ type: 'init-failed', error: serializeError(err) });
    return;
  }

  const stop = async () => {
    try {
      await def.close?.(state);
      await ctx.store.close();
    } catch (err) {
      ctx.logger.warn({ err }, 'job thread did not close cleanly');
    } finally {
      post({ type: 'stopped' });
      port.close();
    }
  };

  // Whether the running job's video was deleted: the main thread answers from Redis (on the worker's
  // own connection and queue prefix), so a thread needs no connection of its own.
  let lastRequest = 0;
  const answers = new Map<number, (deleted: boolean) => void>();
  const isDeleted = () =>
    new Promise<boolean>((resolve) => {
      const requestId = ++lastRequest;
      answers.set(requestId, resolve);
      post({ type: 'is-deleted', requestId });
    });
  const checkNotDeleted = (videoId: string) => async () => {
    if (await isDeleted()) throw new VideoDeletedError(videoId);
  };
  /**
   * A job whose video was deleted while it ran may fail on its way to a write (its source or inputs
   * are gone): that is the deletion, not a fault to retry.
   */
  const unlessDeleted = async (err: unknown, data: unknown): Promise<unknown> => {
    const videoId = (data as { videoId?: unknown } | undefined)?.videoId;
    if (err instanceof VideoDeletedError || typeof videoId !== 'string') return err;
    return (await isDeleted()) ? new VideoDeletedError(videoId) : err;
  };

  const run = async (job: ThreadJob) => {
    const raw = job.data as { videoId?: unknown; shard?: { index?: unknown } } | undefined;
    const logger = jobLogger(ctx.logger, {
      queue: def.queue,
      jobId: job.id,
      videoId: typeof raw?.videoId === 'string' ? raw.videoId : '?',
      shardIndex: typeof raw?.shard?.index === 'number' ? raw.shard.index : undefined,
    });
    try {
      // Bad job data throws InvalidJobDataError, which fails the job for good (see thread-messages).
      const data = parseJobData(def.queue, job.data);
      // A video deleted before this job started (or between its tries) is not processed at all; one
      // deleted while it runs stops at its next write (VideoDeletedError: no retry).
      const guard = checkNotDeleted('videoId' in data ? data.videoId : '?');
      await guard();
      const result = await def.process(
        {
          id: job.id,
          name: job.name,
          attemptsMade: job.attemptsMade,
          data,
          logger,
          updateProgress: (value) => post({ type: 'progress', value }),
        },
        state,
        { ...ctx, store: storeForVideoJob(ctx.store, guard) },
      );
      post({ type: 'done', result });
    } catch (err) {
      post({ type: 'failed', error: serializeError(await unlessDeleted(err, job.data)) });
    }
  };

  port.on('message', (msg: ToThread) => {
    if (msg.type === 'stop') void stop();
    else if (msg.type === 'run') void run(msg.job);
    else {
      answers.get(msg.requestId)?.(msg.deleted);
      answers.delete(msg.requestId);
    }
  });
  post({ type: 'ready' });
}
