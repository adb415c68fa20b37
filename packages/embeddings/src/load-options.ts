import { availableParallelism } from 'node:os';
import type { ExecutionProviderSetting, Logger } from '@orion/shared';
import type { CropFit } from './image-input.js';

/** Weight of the class prompt in multimodal embeddings unless configured. */
export const DEFAULT_MULTIMODAL_TEXT_WEIGHT = 0.3;
export const DEFAULT_EMBED_BATCH_SIZE = 16;

export interface ModelLoadOptions {
  modelsDir: string;
  /** Model name (manifest); each backend has its default. */
  model?: string;
  executionProvider: ExecutionProviderSetting;
  /** ONNX Runtime threads per operator; 0 or unset: CPU cores ÷ `concurrency`. */
  intraOpThreads?: number;
  interOpThreads?: number;
  /** Idle ONNX Runtime threads spin for work (undefined: ONNX Runtime's default). */
  allowSpinning?: boolean;
  /** Models running side by side on this machine (for the automatic thread count). */
  concurrency?: number;
  /** Images (and texts) per model run. */
  batchSize?: number;
  fit?: CropFit;
  multimodalTextWeight?: number;
  textCacheSize?: number;
  logger?: Logger;
}

/** Batch size and multimodal text weight as asked, else their defaults: the same for every backend. */
export function batchSettings(opts: ModelLoadOptions): { batchSize: number; multimodalTextWeight: number } {
  return {
    batchSize: opts.batchSize ?? DEFAULT_EMBED_BATCH_SIZE,
    multimodalTextWeight: opts.multimodalTextWeight ?? DEFAULT_MULTIMODAL_TEXT_WEIGHT,
  };
}

export function sessionThreads(opts: ModelLoadOptions): {
  intraOpThreads: number;
  interOpThreads: number;
  allowSpinning?: boolean;
} {
  const intra =
    opts.intraOpThreads && opts.intraOpThreads > 0
      ? opts.intraOpThreads
      : Math.max(1, Math.floor(availableParallelism() / (opts.concurrency ?? 1)));
  return {
    intraOpThreads: intra,
    interOpThreads: opts.interOpThreads ?? 1,
    allowSpinning: opts.allowSpinning,
  };
}
