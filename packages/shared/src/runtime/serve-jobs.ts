import type { MessagePort } from 'node:worker_threads';
import { loadConfig } from '../config/load-config.js';
import { createLogger, jobLogger } from '../logger/logger.js';
import type { QueueName } from '../queues/names.js';
import { parseJobData } from '../queues/payloads.js';
import { createObjectStore } from '../storage/create-object-store.js';
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
        ctx,
      );
      post({ type: 'done', result });
    } catch (err) {
      post({ type: 'failed', error: serializeError(err) });
    }
  };

  port.on('message', (msg: ToThread) => void (msg.type === 'stop' ? stop() : run(msg.job)));
  post({ type: 'ready' });
}
