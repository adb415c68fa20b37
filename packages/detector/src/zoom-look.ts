import type { Box, RawImage } from '@orion/shared';
import type { Detector, ImageDetection } from './detector.js';

/** A detection's region to look at again: its pixels (crop or wider context), its box there, its label. */
export interface ZoomItem {
  image: RawImage;
  /** The detection's box in `image`'s pixels. */
  box: Box;
  label: string;
}

/** What the same detector sees when the region fills its whole input (and, optionally, mirrored). */
export interface ZoomView {
  /** Best same-class score on a box at IoU ≥ `matchIou` with the detection's (0: none): found again. */
  sameScore: number;
  /** IoU with the detection's box of the best-scoring same-class box anywhere in the region (0: none). */
  bestSameIou: number;
  /** Score of the region's best box overlapping the detection when it is another class (0: it is the label). */
  otherDominant: number;
  /** Same-class boxes in the region. */
  sameCount: number;
  /** `sameScore` on the horizontally mirrored region (null: not looked at). */
  flipSameScore: number | null;
}

export interface ZoomLookOptions {
  /** IoU at which a box of the zoomed look counts as the detection found again. */
  matchIou: number;
  /** Least IoU with the detection for a box to count as "on it" (the dominant-class check). */
  overlapIou: number;
  /** Also look at the mirrored region (test-time augmentation: costs a second run). */
  flip: boolean;
}

export const DEFAULT_ZOOM_LOOK: ZoomLookOptions = { matchIou: 0.5, overlapIou: 0.3, flip: false };

function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const i = w * h;
  return i / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - i);
}

/** The image mirrored left to right (RGB, 3 bytes a pixel). */
export function mirrored(image: RawImage): RawImage {
  const { width, height } = image;
  const data = Buffer.alloc(image.data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * 3;
    for (let x = 0; x < width; x++)
      image.data.copy(data, row + (width - 1 - x) * 3, row + x * 3, row + x * 3 + 3);
  }
  return { data, width, height };
}

const mirrorBox = (b: Box, width: number): Box => [width - b[2], b[1], width - b[0], b[3]];

/**
 * The same detector's second look at a detection's region, scaled up to fill its input: a small
 * box becomes a large one, so a false small box or a misplaced one tends not to be found again at
 * its place. The detector is the caller's (its score threshold should be low, e.g. 0.05, so that
 * scores are graded rather than cut).
 */
export class ZoomLook {
  constructor(
    private readonly detector: Detector,
    private readonly opts: ZoomLookOptions = DEFAULT_ZOOM_LOOK,
  ) {}

  async look(items: readonly ZoomItem[]): Promise<ZoomView[]> {
    if (!items.length) return [];
    const { detections } = await this.detector.detect(items.map((it) => it.image));
    let flipped: ImageDetection[][] | null = null;
    if (this.opts.flip)
      flipped = (await this.detector.detect(items.map((it) => mirrored(it.image)))).detections;
    return items.map((item, i) => {
      const view = this.viewOf(item.box, item.label, detections[i]!);
      const flipSameScore = flipped
        ? this.viewOf(mirrorBox(item.box, item.image.width), item.label, flipped[i]!).sameScore
        : null;
      return { ...view, flipSameScore };
    });
  }

  private viewOf(box: Box, label: string, found: readonly ImageDetection[]): Omit<ZoomView, 'flipSameScore'> {
    const view = { sameScore: 0, bestSameIou: 0, otherDominant: 0, sameCount: 0 };
    let bestSame = 0;
    let dominant: ImageDetection | null = null;
    for (const d of found) {
      const overlap = iou(d.box, box);
      const same = d.label === label ? d.score : 0;
      if (same > 0) {
        view.sameCount++;
        if (same > bestSame) {
          bestSame = same;
          view.bestSameIou = overlap;
        }
        if (overlap >= this.opts.matchIou) view.sameScore = Math.max(view.sameScore, same);
      }
      if (overlap >= this.opts.overlapIou && (!dominant || d.score > dominant.score)) dominant = d;
    }
    if (dominant && dominant.label !== label) view.otherDominant = dominant.score;
    return view;
  }
}
