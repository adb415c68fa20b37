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
 * The image resized as the spec says (bilinear, sharp), with where its top-left corner goes in the
 * input; the pixels are the image's own when no resize is needed.
 */
export async function resizeForInput(image: RawImage, spec: InputSpec) {
  assertRawImage(image);
  const placement = inputPlacement(image, spec);
  const { rw, rh } = placement;
  const pixels =
    rw === image.width && rh === image.height
      ? image.data
      : await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
          .resize(rw, rh, { fit: 'fill', kernel: 'linear' })
          .raw()
          .toBuffer();
  return { pixels, ...placement };
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
