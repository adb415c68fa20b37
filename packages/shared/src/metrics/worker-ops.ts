import type { QueueName } from '../queues/names.js';
import { parseJobResult, type JobResultByQueue } from '../queues/results.js';
import type { RunningServiceWorker } from '../runtime/run-worker.js';
import type { ServiceContext } from '../runtime/service-context.js';
import { createMetrics, instrumentWorker, type OrionMetrics } from './metrics.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

/**
 * A worker process's ops port: job duration and attempts from the worker's events, whatever the
 * stage adds from each job's result (`onCompleted`, read by the queue's result contract), and `/health`
 * (worker running, Redis answering). Closed on shutdown after the jobs have finished.
 */
export async function startWorkerOps<Q extends QueueName>(
  ctx: ServiceContext,
  running: RunningServiceWorker,
  queue: Q,
  onCompleted?: (metrics: OrionMetrics, result: JobResultByQueue[Q]) => void,
): Promise<OpsServer> {
  const metrics = createMetrics(ctx.name);
  instrumentWorker(metrics, running.worker);
  if (onCompleted)
    running.worker.on('completed', (job, result) => {
      // A result off its contract is a bug to log, never a reason to stop the worker's event loop.
      try {
        onCompleted(metrics, parseJobResult(queue, result, job.id));
      } catch (err) {
        ctx.logger.error({ err, jobId: job.id }, 'job result not recorded in the metrics');
      }
    });
  ctx.redis.on('error', () => metrics.redisErrors.inc());
  const ops = await startOpsServer({
    port: ctx.config.opsPort,
    metrics,
    isHealthy: async () =>
      running.worker.isRunning() &&
      (await ctx.redis.ping().then(
        () => true,
        () => false,
      )),
  });
  running.atShutdown(() => ops.close());
  return ops;
}
