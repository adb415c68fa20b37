import type { Candidate } from './candidates.js';

function iou(a: Candidate, b: Candidate): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-maximum suppression within each class: a box is dropped when a higher-scored box of the
 * same class overlaps it by more than `iouThreshold`; boxes of different classes never suppress each
 * other (a person and their backpack overlap a lot). Ties in score keep the lower anchor first, so
 * the result is the same on every run.
 */
export function classAwareNms(
  candidates: Candidate[],
  iouThreshold: number,
  maxDetections: number,
): Candidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score || a.anchor - b.anchor);
  const kept: Candidate[] = [];
  const byClass = new Map<number, Candidate[]>();
  for (const c of sorted) {
    const same = byClass.get(c.classId) ?? [];
    if (same.some((k) => iou(k, c) > iouThreshold)) continue;
    same.push(c);
    byClass.set(c.classId, same);
    kept.push(c);
    if (kept.length === maxDetections) break;
  }
  return kept;
}

export { iou as candidateIou };
