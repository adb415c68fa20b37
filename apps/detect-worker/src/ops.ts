import {
  QueueName,
  startWorkerOps,
  type DetectJobResult,
  type OpsServer,
  type RunningServiceWorker,
  type ServiceContext,
} from '@orion/shared';

/**
 * `/metrics` and `/health` on OPS_PORT. Detection runs in job threads, so the model figures come from
 * each job's summary: frames and detections counted, and the mean session run of the job observed
 * once per run, under the provider that really ran it.
 */
export function startDetectOps(ctx: ServiceContext, running: RunningServiceWorker): Promise<OpsServer> {
  return startWorkerOps(ctx, running, (metrics, result: DetectJobResult) => {
    metrics.itemsProcessed.inc({ queue: QueueName.detect, kind: 'frames' }, result.frames);
    metrics.itemsProcessed.inc({ queue: QueueName.detect, kind: 'detections' }, result.detections);
    if (result.inferenceRuns > 0) {
      const perRun = result.timings.inferenceMs / result.inferenceRuns / 1000;
      const labels = { model: result.model, provider: result.executionProvider };
      for (let i = 0; i < result.inferenceRuns; i++) metrics.inferenceSeconds.observe(labels, perRun);
    }
  });
}
