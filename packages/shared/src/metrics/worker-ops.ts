import type { RunningServiceWorker } from '../runtime/run-worker.js';
import type { ServiceContext } from '../runtime/service-context.js';
import { createMetrics, instrumentWorker, type OrionMetrics } from './metrics.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

/**
 * A worker process's ops port: job duration and attempts from the worker's events, whatever the
 * stage adds from each job's summary (`onCompleted`), and `/health` (worker running, Redis answering).
 * Closed on shutdown after the jobs have finished.
 */
export async function startWorkerOps(
  ctx: ServiceContext,
  running: RunningServiceWorker,
  onCompleted?: (metrics: OrionMetrics, result: never) => void,
): Promise<OpsServer> {
  const metrics = createMetrics(ctx.name);
  instrumentWorker(metrics, running.worker);
  if (onCompleted) running.worker.on('completed', (_job, result) => onCompleted(metrics, result as never));
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
