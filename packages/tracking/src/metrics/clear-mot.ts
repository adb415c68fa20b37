import { assignWithCostLimit } from '../assignment.js';
import { ratio } from '../eval/ratio.js';
import type { TrackingSequence } from './tracking-sequence.js';

export interface ClearMot {
  /** 1 − (misses + false positives + ID switches) / ground-truth boxes; can be negative. */
  mota: number;
  /** Mean IoU of the matched pairs (MOTP as an overlap: 1 is perfect). */
  motp: number;
  matches: number;
  misses: number;
  falsePositives: number;
  /** A ground-truth track matched to a different predicted track than the last time it was matched. */
  idSwitches: number;
  /** A ground-truth track that is tracked again after having been missed while tracked. */
  fragmentations: number;
}

/**
 * CLEAR MOT (Bernardin & Stiefelhagen 2008), as py-motmetrics computes it. Per frame: a pair matched
 * before (ground truth → the prediction track it was last matched to) is kept while that track is
 * present and still at IoU ≥ minIou; the rest are matched by the Hungarian method (most pairs,
 * then the largest total IoU). A new match of a ground-truth track to another prediction track
 * than its last one is an ID switch. Fragmentations count, per ground-truth track, the times it is
 * matched again after a miss (only frames where it is in the ground truth count).
 */
export function clearMot(seq: TrackingSequence, minIou = 0.5): ClearMot {
  const last = new Int32Array(seq.gtTracks).fill(-1);
  // 0: never matched, 1: matched in its last ground-truth frame, 2: missed since its last match.
  const state = new Uint8Array(seq.gtTracks);
  let matches = 0;
  let overlap = 0;
  let idSwitches = 0;
  let fragmentations = 0;
  for (const f of seq.frames) {
    const gtMatch = new Int32Array(f.gt.length).fill(-1);
    const predTaken = new Uint8Array(f.pred.length);
    // 1. Keep the correspondences that still hold.
    f.gt.forEach((g, i) => {
      if (last[g]! < 0) return;
      const j = f.pred.findIndex((p, k) => p === last[g] && !predTaken[k] && f.iou[i]![k]! >= minIou);
      if (j < 0) return;
      gtMatch[i] = j;
      predTaken[j] = 1;
    });
    // 2. Match the rest; leaving a pair unmatched (2 + 2) costs more than any allowed pair (≤ 1).
    const rows = [...f.gt.keys()].filter((i) => gtMatch[i]! < 0);
    const cols = [...f.pred.keys()].filter((j) => !predTaken[j]);
    const costs = rows.map((i) => cols.map((j) => (f.iou[i]![j]! >= minIou ? 1 - f.iou[i]![j]! : Infinity)));
    for (const [r, c] of assignWithCostLimit(costs, cols.length, 4).matches) {
      const i = rows[r]!;
      const j = cols[c]!;
      gtMatch[i] = j;
      const g = f.gt[i]!;
      if (last[g]! >= 0 && last[g] !== f.pred[j]) idSwitches++;
    }
    f.gt.forEach((g, i) => {
      const j = gtMatch[i]!;
      if (j >= 0) {
        matches++;
        overlap += f.iou[i]![j]!;
        last[g] = f.pred[j]!;
        if (state[g] === 2) fragmentations++;
        state[g] = 1;
      } else if (state[g] === 1) state[g] = 2;
    });
  }
  const misses = seq.gtBoxes - matches;
  const falsePositives = seq.predBoxes - matches;
  return {
    mota: seq.gtBoxes === 0 ? 0 : 1 - (misses + falsePositives + idSwitches) / seq.gtBoxes,
    motp: ratio(overlap, matches),
    matches,
    misses,
    falsePositives,
    idSwitches,
    fragmentations,
  };
}
