import { resizeForInput, type InputSpec, type InputTransform, type RawImage } from '@orion/shared';

/**
 * The input tensor written the plain way, as Orion wrote it before issue #21: every plane filled with
 * the pad value, then each float computed as (pixel × scale − mean) / std, channel by channel. Tests
 * check the production TensorWriter against it float for float; bench:frame-cost times it as "before".
 */
export async function referenceInputTensor(
  image: RawImage,
  spec: InputSpec,
  tensor: Float32Array,
  batchIndex = 0,
): Promise<InputTransform> {
  const { width: W, height: H } = spec;
  const plane = W * H;
  // The same resize as production's: what is compared is the float writing.
  const { pixels, rw, rh, x: px, y: py } = await resizeForInput(image, spec);
  const base = batchIndex * 3 * plane;
  const mul = spec.std.map((s) => spec.scale / s);
  const add = spec.mean.map((m, c) => -m / spec.std[c]!);
  const padValue = spec.resize.mode === 'letterbox' ? spec.resize.padValue : 0;
  const [x0, x1] = [Math.max(0, px), Math.min(W, px + rw)];
  const [y0, y1] = [Math.max(0, py), Math.min(H, py + rh)];
  for (let c = 0; c < 3; c++) {
    const out = base + c * plane;
    tensor.fill(padValue * mul[c]! + add[c]!, out, out + plane);
    const src = spec.colorOrder === 'RGB' ? c : 2 - c;
    for (let y = y0; y < y1; y++) {
      let o = out + y * W + x0;
      let i = ((y - py) * rw + (x0 - px)) * 3 + src;
      for (let x = x0; x < x1; x++, o++, i += 3) tensor[o] = pixels[i]! * mul[c]! + add[c]!;
    }
  }
  return { scaleX: rw / image.width, scaleY: rh / image.height, offsetX: px, offsetY: py };
}
