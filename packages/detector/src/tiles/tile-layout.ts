import type { DetectTileMode } from '@orion/shared';

/** A rectangle of the frame, in source pixels, that is detected on its own. */
export interface TileRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Neighbouring tiles share 20 % of a tile's width (height): a person cut by one tile's edge lies
 * whole in its neighbour when narrower than the shared band, and the two halves of a wider one still
 * overlap there, so they can be matched and merged. More overlap costs nothing in runs (still 2×2)
 * but zooms in less.
 */
export const TILE_OVERLAP = 0.2;

/**
 * `auto` tiles a frame only when the letterbox to the model input shrinks it by at least this factor
 * (for a 416 input: a long side of 832 px or more, e.g. 1280×720 and up); a tile (0.56 of the frame)
 * then reaches the model at about its own pixel size. A smaller frame loses less than half its pixels
 * to the letterbox (a frame under 416 px none: it is upscaled), so a person it hides is also too
 * small in the source for an upscaled tile to add detail: on TUD-Campus at 640×480 and 320×240 tiles
 * found no more people, on 1280×960 they did (docs/benchmarks.md).
 */
export const AUTO_TILE_MIN_SHRINK = 2;

/** `count` spans of `size` over `total`, first at 0 and last ending at `total`, evenly spaced. */
function spans(total: number, count: number, overlap: number): { start: number; size: number }[] {
  const size = Math.min(total, Math.ceil(total / (count - (count - 1) * overlap)));
  return Array.from({ length: count }, (_, i) => ({
    start: Math.round((i * (total - size)) / (count - 1)),
    size,
  }));
}

/** The 2×2 grid of overlapping tiles over a frame, row by row. */
export function tileGrid(width: number, height: number, overlap = TILE_OVERLAP): TileRegion[] {
  const xs = spans(width, 2, overlap);
  const ys = spans(height, 2, overlap);
  return ys.flatMap((y) => xs.map((x) => ({ x: x.start, y: y.start, width: x.size, height: y.size })));
}

/** Whether a frame of this size is tiled under `mode`, for a model input of `input`. */
export function tilesFor(
  mode: DetectTileMode,
  width: number,
  height: number,
  input: { width: number; height: number },
): TileRegion[] {
  if (mode === 'off') return [];
  if (mode === 'auto') {
    const shrink = Math.max(width / input.width, height / input.height);
    if (shrink < AUTO_TILE_MIN_SHRINK) return [];
  }
  return tileGrid(width, height);
}
