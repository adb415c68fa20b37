import type { RawImage } from '@orion/shared';
import type { TileRegion } from './tile-layout.js';

/** The pixels of `region` as an image of their own (rows copied; RGB interleaved). */
export function cropImage(image: RawImage, region: TileRegion): RawImage {
  const { x, y, width, height } = region;
  if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > image.width || y + height > image.height) {
    throw new RangeError(
      `tile ${width}×${height}+${x}+${y} does not fit the ${image.width}×${image.height} frame`,
    );
  }
  const data = Buffer.allocUnsafe(width * height * 3);
  const rowBytes = width * 3;
  for (let r = 0; r < height; r++) {
    const from = ((y + r) * image.width + x) * 3;
    image.data.copy(data, r * rowBytes, from, from + rowBytes);
  }
  return { data, width, height };
}
