import { createEmbeddingModel, type AnalyzeItem } from '@orion/embeddings';
import type { OrionConfig } from '@orion/shared';
import { embedWorkerSettings } from '../../apps/embed-worker/src/settings.js';
import { measured, type Measured } from '../lib/stats.js';

export interface EmbedBatchResult {
  batchSize: number;
  /** Per crop: decode/resize, image encoder, verification — the embed stage's own call. */
  msPerCrop: Measured;
}

/**
 * The embedder's cost per crop at each batch size, on real crops (raw pixels from the plain loop), as
 * the embed stage calls it (`analyze` with class verification). One model, run in chunks of each size.
 */
export async function measureEmbedBatches(
  config: OrionConfig,
  crops: AnalyzeItem[],
  labels: readonly string[],
  batchSizes: number[],
  repeat: number,
): Promise<EmbedBatchResult[]> {
  const largest = Math.max(...batchSizes);
  const model = await createEmbeddingModel({ ...embedWorkerSettings(config).model, batchSize: largest });
  try {
    const options = { verifyThreshold: config.embedding.verifyThreshold, candidates: labels };
    await model.analyze(crops.slice(0, largest), options); // warm-up: first runs allocate
    const runs = new Map<number, number[]>(batchSizes.map((b) => [b, []]));
    // Rounds interleave the sizes, so that load from elsewhere hits them alike.
    for (let r = 0; r < repeat; r++) {
      for (const b of batchSizes) {
        const started = performance.now();
        for (let i = 0; i + b <= crops.length; i += b) await model.analyze(crops.slice(i, i + b), options);
        const done = crops.length - (crops.length % b);
        runs.get(b)!.push((performance.now() - started) / done);
      }
    }
    return batchSizes.map((b) => ({ batchSize: b, msPerCrop: measured(runs.get(b)!) }));
  } finally {
    await model.close();
  }
}
