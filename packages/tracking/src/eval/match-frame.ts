import { assignWithCostLimit } from '../assignment.js';
import { iou, type BoxXywh } from '../box.js';

/**
 * One-to-one matches of predicted boxes to ground-truth boxes of one frame with IoU ≥ `minIou`: as
 * many pairs as possible, and among those the largest total IoU (Hungarian), as CLEAR-MOT does.
 * Returns, per prediction, the index of its ground-truth box or -1.
 */
export function matchFrame(
  predicted: readonly BoxXywh[],
  truth: readonly BoxXywh[],
  minIou = 0.5,
): Int32Array {
  const result = new Int32Array(predicted.length).fill(-1);
  if (predicted.length === 0 || truth.length === 0) return result;
  const costs = predicted.map((p) =>
    truth.map((g) => {
      const overlap = iou(p, g);
      return overlap >= minIou ? 1 - overlap : Infinity;
    }),
  );
  // Leaving a pair unmatched costs more (2 + 2) than any allowed pair (≤ 1): the most pairs win first.
  for (const [p, g] of assignWithCostLimit(costs, truth.length, 4).matches) result[p] = g;
  return result;
}
