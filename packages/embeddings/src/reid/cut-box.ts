import type { Box, RawImage } from '@orion/shared';

/**
 * The pixels of `box` ([x1, y1, x2, y2], image pixels) as an image of their own: edges rounded
 * outwards to whole pixels and clipped to the image, at least one pixel each way.
 */
export function cutBox(image: RawImage, box: Box): RawImage {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const x1 = clip(Math.floor(box[0]), image.width - 1);
  const y1 = clip(Math.floor(box[1]), image.height - 1);
  const x2 = Math.max(x1 + 1, clip(Math.ceil(box[2]), image.width));
  const y2 = Math.max(y1 + 1, clip(Math.ceil(box[3]), image.height));
  if (x1 === 0 && y1 === 0 && x2 === image.width && y2 === image.height) return image;
  const width = x2 - x1;
  const height = y2 - y1;
  const data = Buffer.allocUnsafe(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y1 + y) * image.width + x1) * 3;
    image.data.copy(data, y * width * 3, from, from + width * 3);
  }
  return { data, width, height };
}
