/** A box [x1, y1, x2, y2] in frame pixels. */
type Box = readonly [number, number, number, number];

/** One detection of a frame, as the shard's detections file stores it. */
export interface FrameDetection {
  box: Box;
  label: string;
  score: number;
}

/**
 * What the frame's other detections say about one detection. Most "no object" boxes are parts of,
 * or boxes beside, a stronger detection, and most wrong-class ones are a second class on the box
 * of a stronger one (the detector's NMS is per class): both show against the higher-scoring
 * detections of the same frame.
 */
export interface FrameContext {
  /** Best IoU with a higher-scoring detection of the same label. */
  iouHigherSame: number;
  /** Best IoU with a higher-scoring detection of another label. */
  iouHigherOther: number;
  /** That other-label detection's label (null: no higher-scoring box of another label overlaps). */
  higherOtherLabel: string | null;
  /** Largest share of this box inside a higher-scoring box. */
  insideHigher: number;
  /** Largest share of a higher-scoring box inside this one. */
  containsHigher: number;
  /** Other detections of the same label overlapping this one (IoU > 0.1). */
  sameLabelOverlapping: number;
  /** How many detections of the frame score higher. */
  rank: number;
  /** Its score over the frame's best score (1 for the best). */
  scoreShare: number;
}

const area = (b: Box) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
const intersection = (a: Box, b: Box) =>
  area([Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])]);

const OVERLAPPING_IOU = 0.1;

/**
 * The context of `self` among `frame` (every detection of its frame; `self` may be one of them,
 * recognised by identity, and is skipped). `label` is the label under check (`self.label` unless
 * another label is being tried).
 */
export function frameContext(
  self: FrameDetection,
  frame: readonly FrameDetection[],
  label: string = self.label,
): FrameContext {
  const c: FrameContext = {
    iouHigherSame: 0,
    iouHigherOther: 0,
    higherOtherLabel: null,
    insideHigher: 0,
    containsHigher: 0,
    sameLabelOverlapping: 0,
    rank: 0,
    scoreShare: 1,
  };
  const own = Math.max(1, area(self.box));
  let best = self.score;
  for (const o of frame) {
    if (o === self) continue;
    const i = intersection(self.box, o.box);
    const other = Math.max(1, area(o.box));
    const iou = i > 0 ? i / (own + other - i) : 0;
    if (o.label === label && iou > OVERLAPPING_IOU) c.sameLabelOverlapping++;
    if (o.score <= self.score) continue;
    best = Math.max(best, o.score);
    c.rank++;
    if (o.label === label) c.iouHigherSame = Math.max(c.iouHigherSame, iou);
    else if (iou > c.iouHigherOther) {
      c.iouHigherOther = iou;
      c.higherOtherLabel = o.label;
    }
    c.insideHigher = Math.max(c.insideHigher, i / own);
    c.containsHigher = Math.max(c.containsHigher, i / other);
  }
  c.scoreShare = best > 0 ? self.score / best : 1;
  return c;
}
