import { iou, type BoxXywh } from '../box.js';
import type { EvalObservation } from '../eval/identity-metrics.js';
import { matchFrame } from '../eval/match-frame.js';
import type { MotGroundTruth } from '../eval/mot-ground-truth.js';

/** One evaluated frame: ground truth and predictions as dense track indices, and their IoUs. */
export interface SequenceFrame {
  /** 0-based video frame. */
  frame: number;
  /** Ground-truth track index (0 … gtTracks − 1) per ground-truth box. */
  gt: Int32Array;
  /** Predicted track index (0 … predTracks − 1) per kept prediction. */
  pred: Int32Array;
  /** iou[g][p]: IoU of ground-truth box g and prediction p of this frame. */
  iou: Float64Array[];
}

/** Ground truth and predictions laid out for the tracking metrics (CLEAR MOT, identity, HOTA). */
export interface TrackingSequence {
  /** Evaluated frames in time order. */
  frames: SequenceFrame[];
  gtTracks: number;
  predTracks: number;
  /** Ground-truth boxes and kept predictions over all frames. */
  gtBoxes: number;
  predBoxes: number;
  /** Predictions dropped because they lie on an ignored (flag 0) ground-truth box. */
  ignoredPredictions: number;
}

/**
 * Lays ground truth and predictions out per frame for the tracking metrics. Each entity is a
 * predicted track; a noise observation (entity null) is a track of its own (it was output, so it
 * counts, as in the ARI). A prediction that matches no ground-truth box but covers an ignored one
 * (IoU ≥ minIou) is dropped, as the MOTChallenge evaluation drops detections of distractors.
 * Only `frames` are evaluated (default: every frame with ground truth or a prediction).
 */
export function buildTrackingSequence(
  truth: MotGroundTruth,
  observations: readonly EvalObservation[],
  options: { frames?: Iterable<number>; minIou?: number } = {},
): TrackingSequence {
  const minIou = options.minIou ?? 0.5;
  const frames = [
    ...new Set<number>(
      options.frames ?? [
        ...truth.frames.keys(),
        ...truth.ignored.keys(),
        ...observations.map((o) => o.frame),
      ],
    ),
  ].sort((a, b) => a - b);
  const wanted = new Set(frames);
  const byFrame = new Map<number, EvalObservation[]>();
  for (const o of observations) {
    if (!wanted.has(o.frame)) continue;
    const list = byFrame.get(o.frame);
    if (list) list.push(o);
    else byFrame.set(o.frame, [o]);
  }

  const gtIndex = new Map<number, number>();
  const predIndex = new Map<string | number, number>();
  let predTracks = 0;
  let gtBoxes = 0;
  let predBoxes = 0;
  let ignoredPredictions = 0;
  const out: SequenceFrame[] = [];
  for (const frame of frames) {
    const gt = truth.frames.get(frame) ?? [];
    let preds = byFrame.get(frame) ?? [];
    const ignored = truth.ignored.get(frame);
    if (ignored?.length) {
      const toTruth = matchFrame(
        preds.map((p) => p.box),
        gt.map((g) => g.box),
        minIou,
      );
      const loose = preds.filter((_, k) => toTruth[k]! < 0);
      const onIgnored = matchFrame(
        loose.map((p) => p.box),
        ignored,
        minIou,
      );
      const dropped = new Set(loose.filter((_, k) => onIgnored[k]! >= 0));
      ignoredPredictions += dropped.size;
      preds = preds.filter((p) => !dropped.has(p));
    }
    const gtIds = Int32Array.from(gt, (g) => {
      let k = gtIndex.get(g.id);
      if (k === undefined) gtIndex.set(g.id, (k = gtIndex.size));
      return k;
    });
    const predIds = Int32Array.from(preds, (p) => {
      if (p.entity === null) return predTracks++;
      let k = predIndex.get(p.entity);
      if (k === undefined) predIndex.set(p.entity, (k = predTracks++));
      return k;
    });
    const boxes: BoxXywh[] = preds.map((p) => p.box);
    out.push({
      frame,
      gt: gtIds,
      pred: predIds,
      iou: gt.map((g) => Float64Array.from(boxes, (b) => iou(g.box, b))),
    });
    gtBoxes += gt.length;
    predBoxes += preds.length;
  }
  return { frames: out, gtTracks: gtIndex.size, predTracks, gtBoxes, predBoxes, ignoredPredictions };
}
