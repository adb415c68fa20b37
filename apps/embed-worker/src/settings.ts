import {
  DEFAULT_EMBED_BATCH_SIZE,
  DEFAULT_MULTIMODAL_TEXT_WEIGHT,
  DEFAULT_VERIFY_THRESHOLD,
  type CreateEmbeddingModelOptions,
} from '@orion/embeddings';
import type { Logger, OrionConfig } from '@orion/shared';

/** How the embed-worker runs, from the configuration. */
export interface EmbedWorkerSettings {
  model: CreateEmbeddingModelOptions;
  /** Shards embedded at once by one process (one thread and model each). */
  concurrency: number;
  /** Compute the multimodal (image + class prompt) embedding too. */
  multimodal: boolean;
  /** Probability from which a crop's detector label counts as confirmed. */
  verifyThreshold: number;
}

// Batch size, concurrency, threshold and text weight have no environment variables yet; these
// defaults are the ones docs/embeddings.md describes.
const CONCURRENCY = 1;

export function embedWorkerSettings(config: OrionConfig, logger?: Logger): EmbedWorkerSettings {
  return {
    model: {
      backend: config.embedding.model,
      modelsDir: config.modelsDir,
      executionProvider: config.executionProvider,
      intraOpThreads: config.onnxThreads.intraOp,
      interOpThreads: config.onnxThreads.interOp,
      concurrency: CONCURRENCY,
      batchSize: DEFAULT_EMBED_BATCH_SIZE,
      multimodalTextWeight: DEFAULT_MULTIMODAL_TEXT_WEIGHT,
      logger,
    },
    concurrency: CONCURRENCY,
    multimodal: config.embedding.multimodal,
    verifyThreshold: DEFAULT_VERIFY_THRESHOLD,
  };
}

/** A combination of settings that cannot work; the message names the variables to change. */
export class EmbedSettingsError extends Error {
  readonly code = 'ERR_EMBED_SETTINGS';
  constructor(message: string) {
    super(message);
    this.name = 'EmbedSettingsError';
  }
}

export function checkEmbedSettings(config: OrionConfig): void {
  if (config.embedding.multimodal && config.embedding.model === 'vision') {
    throw new EmbedSettingsError(
      'USE_MULTIMODAL_EMBEDDINGS=true needs EMBEDDING_MODEL=clip: the vision model (MobileNetV2) has no text encoder, so it cannot condition embeddings on the class prompt',
    );
  }
}
