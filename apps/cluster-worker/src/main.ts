import {
  QueueName,
  createMetrics,
  createServiceContext,
  instrumentWorker,
  runWorker,
  startOpsServer,
} from '@orion/shared';

// Entry point of the cluster-worker process: one video at a time per job thread, clean shutdown.
const ctx = await createServiceContext('cluster-worker');
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const running = await runWorker(ctx, {
  queue: QueueName.cluster,
  processor: new URL(`./processor.${ext}`, import.meta.url),
  concurrency: 1,
});
const metrics = createMetrics('cluster-worker');
instrumentWorker(metrics, running.worker);
running.worker.on('completed', (_job, result: { observations?: number }) =>
  metrics.itemsProcessed.inc({ queue: QueueName.cluster, kind: 'observations' }, result.observations ?? 0),
);
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
ctx.logger.info({ queue: QueueName.cluster, opsPort: ops.port }, 'cluster-worker ready');
