import type { OrionConfig } from '../config/load-config.js';
import type { OrionMetrics } from '../metrics/metrics.js';
import { startWorkerOps } from '../metrics/worker-ops.js';
import type { QueueName } from '../queues/names.js';
import type { JobResultByQueue } from '../queues/results.js';
import { runWorker } from './run-worker.js';
import { createServiceContext, type ServiceContext } from './service-context.js';

export interface WorkerMainOptions<Q extends QueueName> {
  /** The service's name, e.g. `detect-worker`: logger name and start-up messages. */
  name: string;
  queue: Q;
  /** Module whose default export is `defineJobProcessor(...)` (see startWorker). */
  processor: URL;
  /** Jobs in parallel, one thread each, from the validated configuration. */
  concurrency(config: OrionConfig): number;
  /** Checks before any thread starts (settings, model files): clear in the main thread, and fast. */
  preflight?(ctx: ServiceContext): Promise<void> | void;
  /** What the stage adds to the metrics from each completed job's result. */
  onCompleted?(metrics: OrionMetrics, result: JobResultByQueue[Q]): void;
  /** Fields of the ready line beyond the common ones. */
  readyFields?(config: OrionConfig): Record<string, unknown>;
}

/** Exit status of a worker that cannot start (EX_CONFIG): a restart will not help. */
const CANNOT_START = 78;

/**
 * A worker process's entry point: validated config, Redis and storage checked, the preflight, the job
 * threads initialised before the first job, the ops port, clean shutdown on SIGTERM. A start-up problem
 * stops the process with a message naming the cause.
 */
export async function workerMain<Q extends QueueName>(opts: WorkerMainOptions<Q>): Promise<void> {
  const ctx = await createServiceContext(opts.name);
  const { config, logger } = ctx;
  try {
    await opts.preflight?.(ctx);
    const concurrency = opts.concurrency(config);
    const running = await runWorker(ctx, { queue: opts.queue, processor: opts.processor, concurrency });
    const ops = await startWorkerOps(ctx, running, opts.queue, opts.onCompleted);
    logger.info(
      {
        queue: opts.queue,
        opsPort: ops.port,
        ...opts.readyFields?.(config),
        concurrency,
        storage: config.storage.driver,
        redis: config.redis.url,
        worker: running.worker.name,
      },
      `${opts.name} ready`,
    );
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.fatal({ err: message }, `${opts.name} cannot start`);
    process.stderr.write(`${opts.name} cannot start: ${message}\n`);
    await ctx.close();
    process.exit(CANNOT_START);
  }
}
