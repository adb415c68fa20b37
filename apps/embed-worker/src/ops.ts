import { QueueName, type EmbedJobResult, type OrionMetrics } from '@orion/shared';

/** Crops per job and the image encoder's time per crop, under the provider that really ran it. */
export function recordEmbedJob(metrics: OrionMetrics, result: EmbedJobResult): void {
  metrics.itemsProcessed.inc({ queue: QueueName.embed, kind: 'crops' }, result.count);
  if (result.count > 0) {
    metrics.inferenceSeconds.observe(
      { model: result.model, provider: result.executionProvider },
      result.timings.inferenceMs / result.count / 1000,
    );
  }
}
