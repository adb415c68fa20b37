import {
  QueueName,
  createServiceContext,
  runWorker,
  startWorkerOps,
  type ClusterJobResult,
} from '@orion/shared';

// Entry point of the cluster-worker process: one video at a time per job thread, clean shutdown.
const ctx = await createServiceContext('cluster-worker');
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const running = await runWorker(ctx, {
  queue: QueueName.cluster,
  processor: new URL(`./processor.${ext}`, import.meta.url),
  concurrency: 1,
});
const ops = await startWorkerOps(ctx, running, (metrics, result: ClusterJobResult) =>
  metrics.itemsProcessed.inc({ queue: QueueName.cluster, kind: 'observations' }, result.observations),
);
ctx.logger.info({ queue: QueueName.cluster, opsPort: ops.port }, 'cluster-worker ready');
