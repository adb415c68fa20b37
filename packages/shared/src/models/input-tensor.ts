import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { InputSpec } from './manifest.js';
import type { InputTransform, RawImage } from './preprocess.js';
import { tensorWriter, type TensorWriter } from './tensor-writer.js';

/**
 * A model's NCHW input buffer, reused from batch to batch, and the spec's TensorWriter to fill it
 * (identical floats to every other writer). A new buffer per batch (2 MiB a YOLOX frame, 9.6 MiB a
 * batch of 16 MobileNetV2 crops) kept the garbage collector busy: reusing it made the embed stage 4–5 %
 * cheaper per crop (`npm run bench:embed-stage`, docs/benchmarks.md).
 */
export class InputTensor {
  private readonly spec: InputSpec;
  private readonly slot: number;
  private readonly writer: TensorWriter;
  /** One buffer kept between batches; a batch that finds it taken (concurrent calls) gets its own. */
  private spare: Float32Array | undefined;

  constructor(
    spec: InputSpec,
    private readonly batchSize: number,
  ) {
    this.spec = spec;
    this.slot = 3 * spec.width * spec.height;
    this.writer = tensorWriter(spec);
  }

  /** A buffer for `count` images (≤ batchSize); give it back with `release` once the run is over. */
  acquire(count: number): Float32Array {
    const data = this.spare ?? new Float32Array(this.batchSize * this.slot);
    this.spare = undefined;
    return count === this.batchSize ? data : data.subarray(0, count * this.slot);
  }

  release(data: Float32Array): void {
    this.spare = new Float32Array(data.buffer, 0, this.batchSize * this.slot);
  }

  /** Writes `image` into slot `index` of `data`; returns where it landed (to map boxes back). */
  write(image: RawImage, data: Float32Array, index: number): Promise<InputTransform> {
    return this.writer.write(image, data, index);
  }

  /**
   * A buffer holding `images` in order (written in parallel), and where each landed. Give the buffer
   * back with `release` once the model has run; a batch whose writing failed keeps its buffer (a
   * write may still be running into it), and the next batch gets a new one.
   */
  async fill(images: readonly RawImage[]): Promise<{ data: Float32Array; transforms: InputTransform[] }> {
    const data = this.acquire(images.length);
    const transforms = await Promise.all(images.map((image, i) => this.write(image, data, i)));
    return { data, transforms };
  }

  /**
   * One batch through `session`: `images` filled in as the spec's NCHW input, the model run, the
   * buffer given back once the run has settled. Preprocessing and inference are timed apart.
   */
  async run(
    session: InferenceSession,
    images: readonly RawImage[],
  ): Promise<{
    outputs: InferenceSession.OnnxValueMapType;
    transforms: InputTransform[];
    preprocessMs: number;
    inferenceMs: number;
  }> {
    const { name, width, height } = this.spec;
    let t = performance.now();
    const { data, transforms } = await this.fill(images);
    const preprocessMs = performance.now() - t;
    t = performance.now();
    try {
      const outputs = await session.run({
        [name]: new Tensor('float32', data, [images.length, 3, height, width]),
      });
      return { outputs, transforms, preprocessMs, inferenceMs: performance.now() - t };
    } finally {
      this.release(data);
    }
  }
}
