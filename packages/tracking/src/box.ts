/** A box as [x, y, width, height] in source pixels, (x, y) its top-left corner (MOTChallenge's layout). */
export type BoxXywh = readonly [x: number, y: number, width: number, height: number];

/** [x1, y1, x2, y2] (the detector's layout) → [x, y, width, height]. */
export function xyxyToXywh(box: readonly [number, number, number, number]): BoxXywh {
  return [box[0], box[1], box[2] - box[0], box[3] - box[1]];
}

/** Why a box is unusable, or null when it is fine: finite numbers and a positive width and height. */
export function boxProblem(box: readonly number[]): string | null {
  if (box.length !== 4) return `has ${box.length} numbers, not 4 ([x, y, width, height])`;
  if (!box.every(Number.isFinite)) return `holds a non-finite number (${box.join(', ')})`;
  if (!(box[2]! > 0 && box[3]! > 0)) return `has a width or height ≤ 0 (${box.join(', ')})`;
  return null;
}

function intersection(a: BoxXywh, b: BoxXywh): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union, in [0, 1]. */
export function iou(a: BoxXywh, b: BoxXywh): number {
  const inter = intersection(a, b);
  return inter === 0 ? 0 : inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/**
 * Generalised IoU (Rezatofighi et al. 2019), in (−1, 1]: IoU minus the share of the smallest
 * enclosing box that neither box covers. Unlike IoU it still ranks boxes that do not overlap by how
 * far apart they are, which matters when samples are far apart in time.
 */
export function giou(a: BoxXywh, b: BoxXywh): number {
  const inter = intersection(a, b);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  const ew = Math.max(a[0] + a[2], b[0] + b[2]) - Math.min(a[0], b[0]);
  const eh = Math.max(a[1] + a[3], b[1] + b[3]) - Math.min(a[1], b[1]);
  const enclosing = ew * eh;
  return inter / union - (enclosing - union) / enclosing;
}

/** The share of `a`'s area that `b` covers, in [0, 1]. */
export function coverage(a: BoxXywh, b: BoxXywh): number {
  return intersection(a, b) / (a[2] * a[3]);
}
