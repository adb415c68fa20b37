import type { FrameContext } from './frame-context.js';

/** A box [x1, y1, x2, y2] in frame pixels. */
type Box = readonly [number, number, number, number];

/** A second, independent detector's view of the detection's region (see @orion/detector's SecondLook). */
export interface SecondDetectorView {
  /** Its best score for the same class on a box overlapping the detection (0: none). */
  sameClassScore: number;
  /** IoU of that box with the detection's (0: none). */
  sameClassIou: number;
  /** Its best class on a box overlapping the detection and that score (null / 0: nothing there). */
  bestLabel: string | null;
  bestScore: number;
}

/** Everything Orion knows about one detection's label, gathered in the embed stage. */
export interface LabelEvidence {
  label: string;
  /** The detector's score (objectness × class probability). */
  detectorScore: number;
  /** The detector's best other class probability over its probability for the label (0–1+; 0: none). */
  detectorRunnerUp: number;
  box: Box;
  frameWidth: number;
  frameHeight: number;
  /** The embedding model's probability for the label among the candidates; null where it cannot judge it. */
  embeddingProbability: number | null;
  /** The second detector's view; null when it was not run. */
  second: SecondDetectorView | null;
  /** What the frame's other detections say (frame-context.ts); null when they are unknown. */
  frame: FrameContext | null;
}

/** Evidence groups, for ablations: each feature belongs to one. */
export const EVIDENCE_GROUPS = ['detector', 'box', 'embedding', 'second', 'frame'] as const;
export type EvidenceGroup = (typeof EVIDENCE_GROUPS)[number];

/** The features of the calibration model, in order, with the group each belongs to. */
export const FEATURES: readonly { name: string; group: EvidenceGroup }[] = [
  { name: 'detectorLogit', group: 'detector' },
  { name: 'detectorRunnerUp', group: 'detector' },
  { name: 'logAreaShare', group: 'box' },
  { name: 'absLogAspect', group: 'box' },
  { name: 'atFrameEdge', group: 'box' },
  { name: 'embeddingProbability', group: 'embedding' },
  { name: 'embeddingMissing', group: 'embedding' },
  { name: 'secondSameClass', group: 'second' },
  { name: 'secondSameClassIou', group: 'second' },
  { name: 'secondAgrees', group: 'second' },
  { name: 'secondOtherScore', group: 'second' },
  { name: 'secondNothing', group: 'second' },
  { name: 'frameIouHigherSame', group: 'frame' },
  { name: 'frameIouHigherOther', group: 'frame' },
  { name: 'frameInsideHigher', group: 'frame' },
  { name: 'frameContainsHigher', group: 'frame' },
  { name: 'frameSameLabelOverlapping', group: 'frame' },
  { name: 'frameLogRank', group: 'frame' },
  { name: 'frameScoreShare', group: 'frame' },
];

const EDGE_PX = 2;
const logit = (p: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

/**
 * The feature vector of one detection. A missing piece of evidence is a 0 plus an indicator (the
 * model learns what "cannot judge" means) rather than a guess.
 */
export function featureVector(e: LabelEvidence): number[] {
  const w = Math.max(1, e.box[2] - e.box[0]);
  const h = Math.max(1, e.box[3] - e.box[1]);
  const atEdge =
    e.box[0] <= EDGE_PX ||
    e.box[1] <= EDGE_PX ||
    e.box[2] >= e.frameWidth - EDGE_PX ||
    e.box[3] >= e.frameHeight - EDGE_PX;
  const s = e.second;
  // Unknown context reads as a detection alone in its frame.
  const f = e.frame;
  return [
    logit(e.detectorScore),
    Math.min(2, e.detectorRunnerUp),
    Math.log(Math.max(1e-4, (w * h) / (e.frameWidth * e.frameHeight))),
    Math.abs(Math.log(w / h)),
    atEdge ? 1 : 0,
    e.embeddingProbability ?? 0,
    e.embeddingProbability === null ? 1 : 0,
    s?.sameClassScore ?? 0,
    s?.sameClassIou ?? 0,
    s && s.bestLabel === e.label ? 1 : 0,
    s && s.bestLabel !== null && s.bestLabel !== e.label ? s.bestScore : 0,
    !s || s.bestLabel === null ? 1 : 0,
    f?.iouHigherSame ?? 0,
    f?.iouHigherOther ?? 0,
    f?.insideHigher ?? 0,
    f?.containsHigher ?? 0,
    Math.min(3, f?.sameLabelOverlapping ?? 0),
    Math.log1p(f?.rank ?? 0),
    f?.scoreShare ?? 1,
  ];
}
