import { availableParallelism } from 'node:os';
import { DEFAULT_SECOND_LOOK, type SecondLookOptions } from '@orion/detector';
import type { CreateEmbeddingModelOptions, ModelLoadOptions } from '@orion/embeddings';
import type { Logger, OrionConfig } from '@orion/shared';
import { CodedError } from '@orion/shared';

/** How the embed-worker runs, from the configuration. */
export interface EmbedWorkerSettings {
  model: CreateEmbeddingModelOptions;
  /** Shards embedded at once by one process (one thread and model each). */
  concurrency: number;
  /** Compute the multimodal (image + class prompt) embedding too. */
  multimodal: boolean;
  /** Probability from which a crop's detector label counts as confirmed. */
  verifyThreshold: number;
  /** The re-id model (same provider, threads and batch size) and the labels it embeds; null: off. */
  reid: { model: ModelLoadOptions; classes: string[] } | null;
  /** The label check's second detector, on flagged crops; null: LABEL_CHECK_SECOND_LOOK=none. */
  secondLook: SecondLookOptions | null;
}

/**
 * ONNX Runtime threads per embed-stage session (embedding model, re-id, second look): the setting,
 * or the embed worker's share of the cores: cores ÷ (its concurrency × the worker processes sharing
 * the machine). The detect worker's sessions and ffmpeg run beside it, and threads beyond the cores
 * only add switching (on 2 cores, 2 threads here cost more CPU per crop than 1: docs/benchmarks.md).
 */
export function embedIntraOpThreads(config: OrionConfig, cores = availableParallelism()): number {
  const { intraOp, sharingProcesses } = config.onnxThreads;
  if (intraOp > 0) return intraOp;
  return Math.max(1, Math.floor(cores / (config.embedding.concurrency * sharingProcesses)));
}

export function embedWorkerSettings(config: OrionConfig, logger?: Logger): EmbedWorkerSettings {
  const intraOpThreads = embedIntraOpThreads(config);
  const threads = {
    modelsDir: config.modelsDir,
    executionProvider: config.executionProvider,
    intraOpThreads,
    interOpThreads: config.onnxThreads.interOp,
    allowSpinning: config.onnxThreads.allowSpinning,
    concurrency: config.embedding.concurrency,
    batchSize: config.embedding.batchSize,
    logger,
  };
  const { reid } = config.embedding;
  return {
    reid: reid ? { model: { ...threads, model: reid.model }, classes: reid.classes } : null,
    model: {
      backend: config.embedding.model,
      ...(config.embedding.model === 'clip' ? { model: config.embedding.clipModel } : {}),
      ...threads,
      multimodalTextWeight: config.embedding.multimodalTextWeight,
    },
    concurrency: config.embedding.concurrency,
    multimodal: config.embedding.multimodal,
    verifyThreshold: config.embedding.verifyThreshold,
    secondLook: config.embedding.labelCheckSecondLook
      ? {
          ...DEFAULT_SECOND_LOOK,
          model: config.embedding.labelCheckSecondLook,
          modelsDir: config.modelsDir,
          executionProvider: config.executionProvider,
          intraOpThreads,
        }
      : null,
  };
}

/** A combination of settings that cannot work; the message names the variables to change. */
export class EmbedSettingsError extends CodedError {
  readonly code = 'ERR_EMBED_SETTINGS';
}

export function checkEmbedSettings(config: OrionConfig): void {
  if (config.embedding.multimodal && config.embedding.model === 'vision') {
    throw new EmbedSettingsError(
      'USE_MULTIMODAL_EMBEDDINGS=true needs EMBEDDING_MODEL=clip: the vision model (MobileNetV2) has no text encoder, so it cannot condition embeddings on the class prompt',
    );
  }
}
