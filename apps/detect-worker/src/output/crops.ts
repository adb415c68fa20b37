import sharp from 'sharp';
import type { Box, CropEntry, RawImage } from '@orion/shared';

/** Longest side of a stored crop; larger cut-outs are scaled down (embedders use 224–256 px). */
export const CROP_MAX_SIDE = 512;
export const CROP_JPEG_QUALITY = 90;

/**
 * The cut-out of a box: the box grown by `margin` × its width/height on each side (context helps
 * embedders), snapped outwards to whole pixels and clipped to the frame. [x, y, width, height].
 */
export function cropRegion(box: Box, width: number, height: number, margin: number): CropEntry['region'] {
  const mx = (box[2] - box[0]) * margin;
  const my = (box[3] - box[1]) * margin;
  const x1 = Math.max(0, Math.floor(box[0] - mx));
  const y1 = Math.max(0, Math.floor(box[1] - my));
  const x2 = Math.min(width, Math.ceil(box[2] + mx));
  const y2 = Math.min(height, Math.ceil(box[3] + my));
  return [x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1)];
}

/** JPEG of one region of a frame (libvips works off the main thread, so this overlaps inference). */
export async function encodeCrop(
  frame: RawImage,
  region: CropEntry['region'],
): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const [left, top, width, height] = region;
  const { data, info } = await sharp(frame.data, {
    raw: { width: frame.width, height: frame.height, channels: 3 },
  })
    .extract({ left, top, width, height })
    .resize(CROP_MAX_SIDE, CROP_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: CROP_JPEG_QUALITY })
    .toBuffer({ resolveWithObject: true });
  return { jpeg: data, width: info.width, height: info.height };
}
