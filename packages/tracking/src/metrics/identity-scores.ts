import { ratio } from '../eval/ratio.js';
import { maxWeightMatching } from './max-weight-matching.js';
import type { TrackingSequence } from './tracking-sequence.js';

export interface IdentityScores {
  /** 2·IDTP / (2·IDTP + IDFP + IDFN). */
  idf1: number;
  /** IDTP / (IDTP + IDFP): share of predicted boxes on their track's ground-truth identity. */
  idp: number;
  /** IDTP / (IDTP + IDFN): share of ground-truth boxes found by their identity's track. */
  idr: number;
  idtp: number;
  idfp: number;
  idfn: number;
}

/**
 * Identity scores (Ristani et al. 2016), as TrackEval computes them: each ground-truth track is paired
 * with at most one predicted track, globally, so that the frames where the pair overlaps at
 * IoU ≥ minIou are most (the min-cost bipartite matching of the paper: pairing g with p costs the
 * boxes of either that the pair leaves unexplained). Those frames are the identity true positives.
 */
export function identityScores(seq: TrackingSequence, minIou = 0.5): IdentityScores {
  const together = Array.from({ length: seq.gtTracks }, () => new Float64Array(seq.predTracks));
  for (const f of seq.frames) {
    f.gt.forEach((g, i) =>
      f.pred.forEach((p, j) => {
        if (f.iou[i]![j]! >= minIou) together[g]![p]!++;
      }),
    );
  }
  let idtp = 0;
  for (const [g, p] of maxWeightMatching(together, seq.predTracks)) idtp += together[g]![p]!;
  const idfn = seq.gtBoxes - idtp;
  const idfp = seq.predBoxes - idtp;
  return {
    idf1: ratio(2 * idtp, 2 * idtp + idfp + idfn),
    idp: ratio(idtp, idtp + idfp),
    idr: ratio(idtp, idtp + idfn),
    idtp,
    idfp,
    idfn,
  };
}
