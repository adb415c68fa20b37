import {
  QueueName,
  createMetrics,
  instrumentWorker,
  startOpsServer,
  type DetectJobResult,
  type OpsServer,
  type RunningWorker,
  type ServiceContext,
} from '@orion/shared';

/**
 * `/metrics` and `/health` on OPS_PORT. Detection runs in job threads, so the model figures come from
 * each job's summary: frames and detections counted, and the mean session run of the job observed
 * once per run, under the provider that really ran it.
 */
export async function startDetectOps(ctx: ServiceContext, running: RunningWorker): Promise<OpsServer> {
  const metrics = createMetrics('detect-worker');
  instrumentWorker(metrics, running.worker);
  running.worker.on('completed', (_job, result: DetectJobResult) => {
    metrics.itemsProcessed.inc({ queue: QueueName.detect, kind: 'frames' }, result.frames);
    metrics.itemsProcessed.inc({ queue: QueueName.detect, kind: 'detections' }, result.detections);
    if (result.inferenceRuns > 0) {
      const perRun = result.timings.inferenceMs / result.inferenceRuns / 1000;
      const labels = { model: result.model, provider: result.provider };
      for (let i = 0; i < result.inferenceRuns; i++) metrics.inferenceSeconds.observe(labels, perRun);
    }
  });
  return startOpsServer({
    port: ctx.config.opsPort,
    metrics,
    isHealthy: async () =>
      running.worker.isRunning() &&
      (await ctx.redis.ping().then(
        () => true,
        () => false,
      )),
  });
}
