import type { InputSpec } from './manifest.js';
import { resizeForInput, type InputTransform, type RawImage } from './preprocess.js';

/**
 * Writes images into slots of an NCHW float tensor as a model's input spec says: resize (letterbox,
 * resize-and-centre-crop or stretch), channel order, then (pixel × scale − mean) / std. Each channel's
 * float comes from a 256-entry table computed by that expression (so the floats are the ones the
 * expression gives), the three planes are written in one pass over the pixels, and only the padding is
 * set to the pad value: 2–3× less CPU than computing every float and filling whole planes first
 * (`npm run bench:frame-cost`; identical tensors: packages/shared/test/tensor-writer.test.ts).
 */
export class TensorWriter {
  readonly plane: number;
  /** Per tensor channel: the float for each byte value. */
  private readonly lut: Float32Array[];
  /** Per tensor channel: which byte of an RGB pixel it reads. */
  private readonly source: number[];
  private readonly pad: number[];

  constructor(readonly spec: InputSpec) {
    this.plane = spec.width * spec.height;
    const padValue = spec.resize.mode === 'letterbox' ? spec.resize.padValue : 0;
    const mul = spec.std.map((s) => spec.scale / s);
    const add = spec.mean.map((m, c) => -m / spec.std[c]!);
    this.lut = [0, 1, 2].map((c) => {
      const table = new Float32Array(256);
      for (let v = 0; v < 256; v++) table[v] = v * mul[c]! + add[c]!;
      return table;
    });
    this.pad = [0, 1, 2].map((c) => padValue * mul[c]! + add[c]!);
    // Tensor channel c takes source channel c (RGB) or 2 − c (BGR).
    this.source = [0, 1, 2].map((c) => (spec.colorOrder === 'RGB' ? c : 2 - c));
  }

  /** Writes `image` into slot `index` of `data`; returns where it landed (to map boxes back). */
  async write(image: RawImage, data: Float32Array, index = 0): Promise<InputTransform> {
    const { width: W, height: H } = this.spec;
    if (data.length < (index + 1) * 3 * this.plane) {
      throw new RangeError(`tensor too small for batch slot ${index}`);
    }
    const { pixels, rw, rh, x: px, y: py } = await resizeForInput(image, this.spec);
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

const writers = new WeakMap<InputSpec, TensorWriter>();

/** The writer of a spec, made once per spec object (its tables are small but not free). */
export function tensorWriter(spec: InputSpec): TensorWriter {
  let writer = writers.get(spec);
  if (!writer) writers.set(spec, (writer = new TensorWriter(spec)));
  return writer;
}

/**
 * Writes one image into slot `batchIndex` of an NCHW float tensor as the manifest's input spec says
 * (see TensorWriter). Returns the transform that maps model coordinates back to source pixels.
 */
export function writeInputTensor(
  image: RawImage,
  spec: InputSpec,
  tensor: Float32Array,
  batchIndex = 0,
): Promise<InputTransform> {
  return tensorWriter(spec).write(image, tensor, batchIndex);
}
