import sharp from 'sharp';
import type { InputSpec } from './manifest.js';

/** An 8-bit RGB image, pixels interleaved row by row (what ffmpeg's rgb24 and sharp's raw give). */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Where a source image landed in the model input: input = source × scale + offset, per axis. */
export interface InputTransform {
  scaleX: number;
  scaleY: number;
  offsetX: number;
  offsetY: number;
}

/** A box as [x1, y1, x2, y2]. */
export type Box = [number, number, number, number];

/** Decodes an encoded image (JPEG, PNG …) into RGB, applying its EXIF orientation. */
export async function decodeImage(input: Buffer | string): Promise<RawImage> {
  const { data, info } = await sharp(input)
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 colour channels after decoding, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

export function assertRawImage(image: RawImage): void {
  if (
    !Number.isInteger(image.width) ||
    !Number.isInteger(image.height) ||
    image.width <= 0 ||
    image.height <= 0 ||
    image.data.length !== image.width * image.height * 3
  ) {
    throw new Error(
      `not an RGB image: ${image.width}×${image.height} needs ${image.width * image.height * 3} bytes, got ${image.data.length}`,
    );
  }
}

/** Size of the resized image and where its top-left corner goes in the input (negative: cropped). */
export function inputPlacement(image: RawImage, spec: InputSpec) {
  const { width: W, height: H, resize } = spec;
  const { width: w, height: h } = image;
  if (resize.mode === 'stretch') return { rw: W, rh: H, x: 0, y: 0 };
  const r = resize.mode === 'letterbox' ? Math.min(W / w, H / h) : resize.shortSide / Math.min(w, h);
  const rw = Math.max(1, Math.round(w * r));
  const rh = Math.max(1, Math.round(h * r));
  if (resize.mode === 'letterbox' && resize.align === 'top-left') return { rw, rh, x: 0, y: 0 };
  return { rw, rh, x: Math.floor((W - rw) / 2), y: Math.floor((H - rh) / 2) };
}

/**
 * Writes one image into slot `batchIndex` of an NCHW float tensor as the manifest's input spec says:
 * resize (letterbox, resize-and-centre-crop or stretch), channel order, then (pixel × scale − mean) / std.
 * Returns the transform that maps model coordinates back to source pixels.
 */
export async function writeInputTensor(
  image: RawImage,
  spec: InputSpec,
  tensor: Float32Array,
  batchIndex = 0,
): Promise<InputTransform> {
  assertRawImage(image);
  const { width: W, height: H } = spec;
  const plane = W * H;
  if (tensor.length < (batchIndex + 1) * 3 * plane) {
    throw new RangeError(`tensor too small for batch slot ${batchIndex}`);
  }
  const { rw, rh, x: px, y: py } = inputPlacement(image, spec);
  const pixels =
    rw === image.width && rh === image.height
      ? image.data
      : await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
          .resize(rw, rh, { fit: 'fill', kernel: 'linear' })
          .raw()
          .toBuffer();

  const base = batchIndex * 3 * plane;
  const mul = spec.std.map((s) => spec.scale / s);
  const add = spec.mean.map((m, c) => -m / spec.std[c]!);
  const padValue = spec.resize.mode === 'letterbox' ? spec.resize.padValue : 0;
  const x0 = Math.max(0, px);
  const x1 = Math.min(W, px + rw);
  const y0 = Math.max(0, py);
  const y1 = Math.min(H, py + rh);
  const covers = x0 === 0 && y0 === 0 && x1 === W && y1 === H;
  for (let c = 0; c < 3; c++) {
    const out = base + c * plane;
    if (!covers) tensor.fill(padValue * mul[c]! + add[c]!, out, out + plane);
    // Tensor channel c takes source channel c (RGB) or 2 − c (BGR).
    const src = spec.colorOrder === 'RGB' ? c : 2 - c;
    const m = mul[c]!;
    const a = add[c]!;
    for (let y = y0; y < y1; y++) {
      let o = out + y * W + x0;
      let i = ((y - py) * rw + (x0 - px)) * 3 + src;
      for (let x = x0; x < x1; x++, o++, i += 3) tensor[o] = pixels[i]! * m + a;
    }
  }
  return { scaleX: rw / image.width, scaleY: rh / image.height, offsetX: px, offsetY: py };
}

/** Maps a box from model input coordinates to source pixels, clipped to the image. */
export function toSourceBox(box: Box, t: InputTransform, width: number, height: number): Box {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return [
    clip((box[0] - t.offsetX) / t.scaleX, width),
    clip((box[1] - t.offsetY) / t.scaleY, height),
    clip((box[2] - t.offsetX) / t.scaleX, width),
    clip((box[3] - t.offsetY) / t.scaleY, height),
  ];
}
