import {
  InputTensor,
  createModelSession,
  resolveReidModel,
  type Box,
  type ExecutionProvider,
  type ModelSession,
  type ReidManifest,
} from '@orion/shared';
import { toRawImage } from '../image-input.js';
import { imageOutputSize } from '../image-output-size.js';
import { batchSettings, sessionThreads, type ModelLoadOptions } from '../load-options.js';
import type { ImageInput } from '../types.js';
import { normalizeInPlace } from '../vector-math.js';
import { cutBox } from './cut-box.js';

export const DEFAULT_REID_MODEL = 'osnet_x0_25_msmt17';

/** One person (or other re-id class) to embed: an image and, optionally, the box inside it. */
export interface ReidItem {
  image: ImageInput;
  /** [x1, y1, x2, y2] in the image's pixels; the whole image when absent. */
  box?: Box;
}

export interface ReidStats {
  crops: number;
  /** Decoding, cutting the box and stretching it into the model input. */
  preprocessMs: number;
  inferenceMs: number;
}

/**
 * A person re-identification network (OSNet by default): the box is stretched to the model's input,
 * as the network was trained, and each output vector is L2-normalised, so cosine = dot product. It
 * runs on the same execution provider logic as the embedding models (CPU, or CUDA where it really runs).
 */
export class ReidEmbedder {
  readonly name: string;
  readonly sha256: string;
  readonly dim: number;
  readonly executionProvider: ExecutionProvider;
  readonly batchSize: number;
  private readonly counters: ReidStats = { crops: 0, preprocessMs: 0, inferenceMs: 0 };
  private readonly input: InputTensor;

  private constructor(
    private readonly ms: ModelSession<ReidManifest>,
    dim: number,
    batchSize: number,
  ) {
    this.name = ms.model.manifest.name;
    this.sha256 = ms.model.manifest.model.sha256;
    this.dim = dim;
    this.executionProvider = ms.provider;
    this.batchSize = batchSize;
    this.input = new InputTensor(ms.model.manifest.input, batchSize);
  }

  static async load(opts: ModelLoadOptions): Promise<ReidEmbedder> {
    const { batchSize } = batchSettings(opts);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batch size must be a whole number ≥ 1, got ${batchSize}`);
    }
    const model = await resolveReidModel(opts.model ?? DEFAULT_REID_MODEL, opts.modelsDir);
    const ms = await createModelSession(model, {
      executionProvider: opts.executionProvider,
      ...sessionThreads(opts),
      logger: opts.logger,
    });
    try {
      const dim = await imageOutputSize(ms.session, model.manifest.input, model.manifest.output.name);
      // A fixed-batch export would need a batch of exactly that size; running one at a time keeps it right.
      const batch = model.manifest.input.batch === 'dynamic' ? batchSize : 1;
      return new ReidEmbedder(ms, dim, batch);
    } catch (err) {
      await ms.close();
      throw err;
    }
  }

  get stats(): Readonly<ReidStats> {
    return { ...this.counters };
  }

  /** One L2-normalised vector per item, in order, computed `batchSize` items per model run. */
  async embed(items: readonly ReidItem[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < items.length; i += this.batchSize) {
      const chunk = items.slice(i, i + this.batchSize);
      const t = performance.now();
      const images = await Promise.all(
        chunk.map(async (item) => {
          const image = await toRawImage(item.image);
          return item.box ? cutBox(image, item.box) : image;
        }),
      );
      const decodeMs = performance.now() - t;
      const { outputs, preprocessMs, inferenceMs } = await this.input.run(this.ms.session, images);
      this.counters.preprocessMs += decodeMs + preprocessMs;
      this.counters.inferenceMs += inferenceMs;
      const features = outputs[this.ms.model.manifest.output.name]!.data as Float32Array;
      for (let j = 0; j < images.length; j++) {
        out.push(normalizeInPlace(features.slice(j * this.dim, (j + 1) * this.dim)));
      }
    }
    this.counters.crops += items.length;
    return out;
  }

  close(): Promise<void> {
    return this.ms.close();
  }
}
