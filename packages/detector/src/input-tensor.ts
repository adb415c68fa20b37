import sharp from 'sharp';
import {
  assertRawImage,
  inputPlacement,
  type InputSpec,
  type InputTransform,
  type RawImage,
} from '@orion/shared';

/**
 * The detector's NCHW input, written exactly as `writeInputTensor` writes it (same resize, same
 * placement, same float values) but cheaper per frame: the buffer is reused from batch to batch, each
 * channel's (pixel × scale − mean) / std comes from a 256-entry table (computed by the same expression,
 * so the floats are identical), all three planes are filled in one pass over the pixels, and only the
 * padding (not the whole plane) is set to the pad value.
 */
export class InputTensor {
  private readonly plane: number;
  /** Per tensor channel: the float for each byte value. */
  private readonly lut: Float32Array[];
  /** Per tensor channel: which byte of an RGB pixel it reads. */
  private readonly source: number[];
  private readonly pad: number[];
  /** One buffer kept between batches; a batch that finds it taken (concurrent calls) gets its own. */
  private spare: Float32Array | undefined;

  constructor(
    private readonly spec: InputSpec,
    private readonly batchSize: number,
  ) {
    this.plane = spec.width * spec.height;
    const padValue = spec.resize.mode === 'letterbox' ? spec.resize.padValue : 0;
    this.lut = [0, 1, 2].map((c) => {
      const m = spec.scale / spec.std[c]!;
      const a = -spec.mean[c]! / spec.std[c]!;
      const table = new Float32Array(256);
      for (let v = 0; v < 256; v++) table[v] = v * m + a;
      return table;
    });
    this.pad = [0, 1, 2].map((c) => {
      const m = spec.scale / spec.std[c]!;
      return padValue * m + -spec.mean[c]! / spec.std[c]!;
    });
    // Tensor channel c takes source channel c (RGB) or 2 − c (BGR).
    this.source = [0, 1, 2].map((c) => (spec.colorOrder === 'RGB' ? c : 2 - c));
  }

  /** A buffer for `count` images (≤ batchSize); give it back with `release` once the run is over. */
  acquire(count: number): Float32Array {
    const data = this.spare ?? new Float32Array(this.batchSize * 3 * this.plane);
    this.spare = undefined;
    return count === this.batchSize ? data : data.subarray(0, count * 3 * this.plane);
  }

  release(data: Float32Array): void {
    this.spare = new Float32Array(data.buffer, 0, this.batchSize * 3 * this.plane);
  }

  /** Writes `image` into slot `index` of `data`; returns where it landed (to map boxes back). */
  async write(image: RawImage, data: Float32Array, index: number): Promise<InputTransform> {
    assertRawImage(image);
    const { width: W, height: H } = this.spec;
    const { rw, rh, x: px, y: py } = inputPlacement(image, this.spec);
    const pixels =
      rw === image.width && rh === image.height
        ? image.data
        : await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
            .resize(rw, rh, { fit: 'fill', kernel: 'linear' })
            .raw()
            .toBuffer();
    const x0 = Math.max(0, px);
    const x1 = Math.min(W, px + rw);
    const y0 = Math.max(0, py);
    const y1 = Math.min(H, py + rh);
    const base = index * 3 * this.plane;
    this.fillPadding(data, base, x0, x1, y0, y1);
    const [o0, o1, o2] = [base, base + this.plane, base + 2 * this.plane];
    const [l0, l1, l2] = this.lut as [Float32Array, Float32Array, Float32Array];
    const [s0, s1, s2] = this.source as [number, number, number];
    for (let y = y0; y < y1; y++) {
      let o = y * W + x0;
      let i = ((y - py) * rw + (x0 - px)) * 3;
      for (let x = x0; x < x1; x++, o++, i += 3) {
        data[o0 + o] = l0[pixels[i + s0]!]!;
        data[o1 + o] = l1[pixels[i + s1]!]!;
        data[o2 + o] = l2[pixels[i + s2]!]!;
      }
    }
    return { scaleX: rw / image.width, scaleY: rh / image.height, offsetX: px, offsetY: py };
  }

  /** Sets everything outside [x0, x1) × [y0, y1) to the pad value, plane by plane. */
  private fillPadding(data: Float32Array, base: number, x0: number, x1: number, y0: number, y1: number) {
    const { width: W, height: H } = this.spec;
    for (let c = 0; c < 3; c++) {
      const out = base + c * this.plane;
      const v = this.pad[c]!;
      data.fill(v, out, out + y0 * W);
      data.fill(v, out + y1 * W, out + H * W);
      if (x0 === 0 && x1 === W) continue;
      for (let y = y0; y < y1; y++) {
        data.fill(v, out + y * W, out + y * W + x0);
        data.fill(v, out + y * W + x1, out + (y + 1) * W);
      }
    }
  }
}
