import { ClipEmbeddingModel } from './clip/clip-model.js';
import type { ModelLoadOptions } from './load-options.js';
import type { EmbeddingBackend, EmbeddingModel } from './types.js';
import { VisionEmbeddingModel } from './vision/vision-model.js';

export interface CreateEmbeddingModelOptions extends ModelLoadOptions {
  /** `EMBEDDING_MODEL`: `vision` (MobileNetV2 features) or `clip` (image–text encoders). */
  backend: EmbeddingBackend;
}

/** Loads the backend `EMBEDDING_MODEL` names; files are checked against their sha256 first. */
export function createEmbeddingModel(options: CreateEmbeddingModelOptions): Promise<EmbeddingModel> {
  switch (options.backend) {
    case 'vision':
      return VisionEmbeddingModel.load(options);
    case 'clip':
      return ClipEmbeddingModel.load(options);
    default:
      throw new Error(`Unknown embedding backend ${JSON.stringify(options.backend)}: use "vision" or "clip"`);
  }
}
