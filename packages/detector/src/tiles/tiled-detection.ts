import type { RawImage } from '@orion/shared';
import { cropImage } from './crop-image.js';
import { mergeTileDetections, type MergeableDetection, type SourcedDetection } from './merge-tiles.js';
import type { TileRegion } from './tile-layout.js';

/** Runs a detector over a list of images (batched as it likes), boxes in each image's pixels. */
export type DetectImages<T> = (images: RawImage[]) => Promise<T[][]>;

export interface TiledTiming {
  /** Cutting tiles out of frames. */
  cutMs: number;
  /** Mapping tile boxes to the frame and merging. */
  mergeMs: number;
}

/**
 * Detects each frame whole and in its tiles, all in one list through `run` (so tiles share the
 * detector's batches), then maps tile boxes to frame pixels and merges them per frame.
 */
export async function detectTiled<T extends MergeableDetection>(
  images: RawImage[],
  tilesOf: (image: RawImage) => TileRegion[],
  run: DetectImages<T>,
  nmsIou: number,
): Promise<{ detections: T[][]; timing: TiledTiming }> {
  let t = performance.now();
  const views: RawImage[] = [];
  const origin: { frame: number; tile?: TileRegion }[] = [];
  const tiled = new Set<number>();
  images.forEach((image, frame) => {
    views.push(image);
    origin.push({ frame });
    for (const tile of tilesOf(image)) {
      tiled.add(frame);
      views.push(cropImage(image, tile));
      origin.push({ frame, tile });
    }
  });
  const cutMs = performance.now() - t;

  const perView = await run(views);

  t = performance.now();
  const perFrame: SourcedDetection<T>[][] = images.map(() => []);
  perView.forEach((found, v) => {
    const { frame, tile } = origin[v]!;
    for (const d of found) {
      const detection = tile
        ? { ...d, box: [d.box[0] + tile.x, d.box[1] + tile.y, d.box[2] + tile.x, d.box[3] + tile.y] }
        : d;
      perFrame[frame]!.push({ detection: detection as T, tile });
    }
  });
  const detections = perFrame.map((found, i) =>
    tiled.has(i)
      ? mergeTileDetections(found, images[i]!.width, images[i]!.height, nmsIou)
      : found.map((f) => f.detection),
  );
  return { detections, timing: { cutMs, mergeMs: performance.now() - t } };
}
