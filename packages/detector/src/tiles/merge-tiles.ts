import type { Box } from '@orion/shared';
import type { TileRegion } from './tile-layout.js';

/** What merging needs of a detection; other fields travel along untouched. */
export interface MergeableDetection {
  /** [x1, y1, x2, y2] in frame pixels. */
  box: Box;
  classId: number;
  score: number;
}

/** A detection from the full frame (`tile` undefined) or from one tile, boxes in frame pixels. */
export interface SourcedDetection<T extends MergeableDetection> {
  detection: T;
  tile?: TileRegion;
}

/**
 * A tile box within this fraction of the tile's size from one of the tile's inner edges (an edge
 * that is not the frame's) is taken as cut there: the object may go on beyond the tile.
 */
export const CUT_EDGE_FRACTION = 0.02;
/** Two cut boxes of one class from different tiles that share this much of the smaller are one object. */
export const CUT_JOIN_OVERLAP = 0.5;
/** A cut box lying this much inside a larger box of its class is a part of that object. */
export const CUT_COVERED_OVERLAP = 0.6;
/**
 * A whole tile box lying this much inside a larger box of its class is a part of that object too:
 * zoomed in, the model also calls a head or an upper body a person (measured on TUD-Campus: half of
 * the boxes tiles added were such parts). Full-frame boxes are never dropped this way, so tiles do
 * not lose a person (in front of another) that the frame alone finds.
 */
export const PART_COVERED_OVERLAP = 0.8;

const area = (b: Box) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

function intersection(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

export function boxIou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Intersection over the smaller box's area. */
function overlapOfSmaller(a: Box, b: Box): number {
  const smaller = Math.min(area(a), area(b));
  return smaller > 0 ? intersection(a, b) / smaller : 0;
}

/** Whether a tile's box touches one of the tile's inner edges, given the frame's size. */
export function isCutByTile(box: Box, tile: TileRegion, frameWidth: number, frameHeight: number): boolean {
  const tx = CUT_EDGE_FRACTION * tile.width;
  const ty = CUT_EDGE_FRACTION * tile.height;
  return (
    (tile.x > 0 && box[0] <= tile.x + tx) ||
    (tile.y > 0 && box[1] <= tile.y + ty) ||
    (tile.x + tile.width < frameWidth && box[2] >= tile.x + tile.width - tx) ||
    (tile.y + tile.height < frameHeight && box[3] >= tile.y + tile.height - ty)
  );
}

interface Entry<T> {
  detection: T;
  tile?: TileRegion;
  cut: boolean;
}

/**
 * One frame's detections from the full frame and its tiles, merged per class:
 *  1. boxes cut by a tile edge that overlap a cut box of the same class from another tile (the two
 *     halves of one object across the edge) are joined into their union, keeping the best score;
 *  2. a tile box that lies mostly inside a larger box of its class is dropped: that box saw the object
 *     whole (from the full frame or a tile that holds it entirely), the tile a part of it; cut boxes
 *     at `CUT_COVERED_OVERLAP`, whole ones at `PART_COVERED_OVERLAP`;
 *  3. greedy NMS at `nmsIou` over everything left, best score first, as for a single image.
 * Cut boxes nothing covers are kept: they may be the only sight of an object.
 */
export function mergeTileDetections<T extends MergeableDetection>(
  found: SourcedDetection<T>[],
  frameWidth: number,
  frameHeight: number,
  nmsIou: number,
): T[] {
  const entries: Entry<T>[] = found.map(({ detection, tile }) => ({
    detection,
    tile,
    cut: tile !== undefined && isCutByTile(detection.box, tile, frameWidth, frameHeight),
  }));
  const byScore = (a: Entry<T>, b: Entry<T>) => b.detection.score - a.detection.score;

  // 1. Join cut halves, best-scored first; a joined box absorbs every matching half.
  const cut = entries.filter((e) => e.cut).sort(byScore);
  const whole = entries.filter((e) => !e.cut);
  const joined: Entry<T>[] = [];
  const used = new Set<Entry<T>>();
  for (const a of cut) {
    if (used.has(a)) continue;
    used.add(a);
    let box: Box = [...a.detection.box];
    const tiles = new Set([a.tile]);
    for (const b of cut) {
      if (used.has(b) || tiles.has(b.tile) || b.detection.classId !== a.detection.classId) continue;
      if (overlapOfSmaller(box, b.detection.box) < CUT_JOIN_OVERLAP) continue;
      used.add(b);
      tiles.add(b.tile);
      box = [
        Math.min(box[0], b.detection.box[0]),
        Math.min(box[1], b.detection.box[1]),
        Math.max(box[2], b.detection.box[2]),
        Math.max(box[3], b.detection.box[3]),
      ];
    }
    const merged = tiles.size > 1 ? { ...a.detection, box } : a.detection;
    joined.push({ detection: merged, tile: a.tile, cut: tiles.size === 1 });
  }

  // 2. Drop tile boxes that are parts of a larger box of their class.
  const all = [...whole, ...joined];
  const kept = all.filter(
    (e) =>
      e.tile === undefined ||
      !all.some(
        (o) =>
          o !== e &&
          o.detection.classId === e.detection.classId &&
          area(o.detection.box) > area(e.detection.box) &&
          intersection(o.detection.box, e.detection.box) >=
            (e.cut ? CUT_COVERED_OVERLAP : PART_COVERED_OVERLAP) * area(e.detection.box),
      ),
  );

  // 3. NMS within each class.
  const result: T[] = [];
  for (const e of kept.sort(byScore)) {
    const d = e.detection;
    if (result.some((k) => k.classId === d.classId && boxIou(k.box, d.box) > nmsIou)) continue;
    result.push(d);
  }
  return result;
}
