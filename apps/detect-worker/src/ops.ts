import { QueueName, type DetectJobResult, type OrionMetrics } from '@orion/shared';

/**
 * The detect stage's figures on the ops port. Detection runs in job threads, so the model figures come
 * from each job's summary: frames and detections counted, and the mean session run of the job observed
 * once per run, under the provider that really ran it.
 */
export function recordDetectJob(metrics: OrionMetrics, result: DetectJobResult): void {
  metrics.itemsProcessed.inc({ queue: QueueName.detect, kind: 'frames' }, result.frames);
  metrics.itemsProcessed.inc({ queue: QueueName.detect, kind: 'detections' }, result.detections);
  if (result.inferenceRuns > 0) {
    const perRun = result.timings.inferenceMs / result.inferenceRuns / 1000;
    const labels = { model: result.model, provider: result.executionProvider };
    for (let i = 0; i < result.inferenceRuns; i++) metrics.inferenceSeconds.observe(labels, perRun);
  }
}
