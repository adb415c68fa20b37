import { maxWeightMatching } from './max-weight-matching.js';
import type { TrackingSequence } from './tracking-sequence.js';

/** The localisation thresholds HOTA averages over: 0.05, 0.10, …, 0.95. */
export const HOTA_ALPHAS: readonly number[] = Array.from({ length: 19 }, (_, k) => (k + 1) / 20);

export interface HotaAtAlpha {
  alpha: number;
  hota: number;
  detA: number;
  assA: number;
  locA: number;
  tp: number;
  fn: number;
  fp: number;
}

export interface Hota {
  /** Averages over the 19 thresholds. */
  hota: number;
  detA: number;
  assA: number;
  locA: number;
  perAlpha: HotaAtAlpha[];
}

// Thresholds compare computed IoUs with decimal fractions: a box at exactly α must count.
const EPS = 1e-9;

/**
 * HOTA (Luiten et al. 2020), as TrackEval computes it. Per frame, ground truth and predictions are
 * matched (Hungarian) to maximise IoU × the pair's global alignment (how much their tracks overlap
 * over the whole video, in soft IoU units), so that matches favour consistent tracks; a match counts
 * at threshold α when its IoU ≥ α. Then, per α: DetA = TP / (TP + FN + FP); AssA = the mean over
 * true positives c of |TPA(c)| / (|TPA(c)| + |FNA(c)| + |FPA(c)|) (the Jaccard index of the two tracks
 * that c links); HOTA = √(DetA · AssA). The reported scores average over α = 0.05 … 0.95.
 */
export function hota(seq: TrackingSequence): Hota {
  const G = seq.gtTracks;
  const P = seq.predTracks;
  const gtCount = new Float64Array(G);
  const predCount = new Float64Array(P);
  const soft = Array.from({ length: G }, () => new Float64Array(P));
  for (const f of seq.frames) {
    for (const g of f.gt) gtCount[g]!++;
    for (const p of f.pred) predCount[p]!++;
    // Each pair's IoU normalised by how much the two boxes overlap anything else in the frame.
    const rowSum = f.iou.map((row) => row.reduce((s, v) => s + v, 0));
    const colSum = Array.from(f.pred, (_, j) => f.iou.reduce((s, row) => s + row[j]!, 0));
    f.gt.forEach((g, i) =>
      f.pred.forEach((p, j) => {
        const sim = f.iou[i]![j]!;
        const denom = rowSum[i]! + colSum[j]! - sim;
        if (sim > 0 && denom > EPS) soft[g]![p]! += sim / denom;
      }),
    );
  }
  const alignment = soft.map((row, g) =>
    row.map((v, p) => (v === 0 ? 0 : v / (gtCount[g]! + predCount[p]! - v))),
  );

  const A = HOTA_ALPHAS.length;
  const tp = new Float64Array(A);
  const fn = new Float64Array(A);
  const fp = new Float64Array(A);
  const loc = new Float64Array(A);
  const together = HOTA_ALPHAS.map(() => Array.from({ length: G }, () => new Float64Array(P)));
  for (const f of seq.frames) {
    if (f.gt.length === 0 || f.pred.length === 0) {
      for (let a = 0; a < A; a++) {
        fn[a]! += f.gt.length;
        fp[a]! += f.pred.length;
      }
      continue;
    }
    const score = Array.from(f.gt, (g, i) =>
      Float64Array.from(f.pred, (p, j) => alignment[g]![p]! * f.iou[i]![j]!),
    );
    const pairs = maxWeightMatching(score, f.pred.length);
    HOTA_ALPHAS.forEach((alpha, a) => {
      let n = 0;
      for (const [i, j] of pairs) {
        const sim = f.iou[i]![j]!;
        if (sim < alpha - EPS) continue;
        n++;
        loc[a]! += sim;
        together[a]![f.gt[i]!]![f.pred[j]!]!++;
      }
      tp[a]! += n;
      fn[a]! += f.gt.length - n;
      fp[a]! += f.pred.length - n;
    });
  }

  const perAlpha = HOTA_ALPHAS.map((alpha, a): HotaAtAlpha => {
    let assSum = 0;
    together[a]!.forEach((row, g) =>
      row.forEach((n, p) => {
        if (n > 0) assSum += (n * n) / (gtCount[g]! + predCount[p]! - n);
      }),
    );
    const detA = tp[a]! / Math.max(1, tp[a]! + fn[a]! + fp[a]!);
    const assA = assSum / Math.max(1, tp[a]!);
    return {
      alpha,
      hota: Math.sqrt(detA * assA),
      detA,
      assA,
      // 0 where nothing matched (TrackEval reports 1 there, which would flatter an empty result).
      locA: tp[a]! > 0 ? loc[a]! / tp[a]! : 0,
      tp: tp[a]!,
      fn: fn[a]!,
      fp: fp[a]!,
    };
  });
  const mean = (key: 'hota' | 'detA' | 'assA' | 'locA') =>
    perAlpha.reduce((s, r) => s + r[key], 0) / perAlpha.length;
  return { hota: mean('hota'), detA: mean('detA'), assA: mean('assA'), locA: mean('locA'), perAlpha };
}
