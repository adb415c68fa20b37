import {
  tensorWriter,
  type TensorWriter,
  type InputSpec,
  type InputTransform,
  type RawImage,
} from '@orion/shared';

/**
 * The detector's NCHW input buffer, reused from batch to batch (no 2 MiB allocation per frame);
 * images are written into it by the spec's TensorWriter (identical floats to every other writer).
 */
export class InputTensor {
  private readonly slot: number;
  private readonly writer: TensorWriter;
  /** One buffer kept between batches; a batch that finds it taken (concurrent calls) gets its own. */
  private spare: Float32Array | undefined;

  constructor(
    spec: InputSpec,
    private readonly batchSize: number,
  ) {
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
}
