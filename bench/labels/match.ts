import type { Box } from '@orion/shared';
import type { Truth } from './dataset.js';

/** What a detection turned out to be against the ground truth. */
export type Outcome = 'correct' | 'wrong-class' | 'no-object' | 'ignored';

export interface Sorted {
  outcome: Outcome;
  /** For `wrong-class`: the label of the best-overlapping box (of another class). */
  trueLabel: string | null;
  /** The best IoU with a ground-truth box of the detection's own class (0: none overlaps it). */
  ownIou: number;
}

export const MATCH_IOU = 0.5;

/**
 * A `no-object` detection that still overlaps a box of its own class at least this much is a loose
 * box: looked at one by one, 44 of coco128's 46 such detections are a partial, oversized or shifted
 * box on an object of the right class (bench/labels/audit/, docs/benchmarks.md).
 */
export const LOOSE_IOU = 0.1;

/**
 * The kinds of real mistake: a box on an object of another class, a loose box on an object of its
 * own class (its label is right, its place is not), or nothing of its class there at all.
 */
export type MistakeKind = 'wrong-class' | 'loose-box' | 'nothing-of-its-class';

export function mistakeKind(outcome: Outcome, ownIou: number): MistakeKind | null {
  if (outcome === 'wrong-class') return 'wrong-class';
  if (outcome !== 'no-object') return null;
  return ownIou >= LOOSE_IOU ? 'loose-box' : 'nothing-of-its-class';
}

function area(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

function intersection(a: Box, b: Box): number {
  return area([Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])]);
}

export function iou(a: Box, b: Box): number {
  const i = intersection(a, b);
  return i > 0 ? i / (area(a) + area(b) - i) : 0;
}

/** COCO's overlap with a crowd region: the share of the detection inside it. */
function crowdOverlap(det: Box, crowd: Box): number {
  const a = area(det);
  return a > 0 ? intersection(det, crowd) / a : 0;
}

/**
 * Sorts one image's detections against its ground truth, greedily by score (as COCO matching):
 * - correct: IoU ≥ 0.5 with a still unmatched box of the same class, which it then takes; a
 *   duplicate of an already matched same-class box also counts (its label is right: it is a
 *   localisation mistake, not a label one);
 * - wrong-class: IoU ≥ 0.5 only with boxes of other classes (the best one gives the true label);
 * - ignored: none of the above but lying on a crowd region (COCO does not judge those);
 * - no-object: no box at IoU ≥ 0.5.
 * Returns one entry per detection, in the detections' order.
 */
export function sortDetections(
  detections: readonly { box: Box; label: string; score: number }[],
  truths: readonly Truth[],
): Sorted[] {
  const plain = truths.filter((t) => !t.crowd);
  const crowds = truths.filter((t) => t.crowd);
  const taken = new Set<number>();
  const out: Sorted[] = new Array<Sorted>(detections.length);
  const order = detections.map((_, i) => i).sort((a, b) => detections[b]!.score - detections[a]!.score);
  for (const d of order) {
    const det = detections[d]!;
    let same = -1;
    let sameIou = MATCH_IOU;
    let duplicate = false;
    let other: Truth | undefined;
    let otherIou = MATCH_IOU;
    let ownIou = 0;
    plain.forEach((t, i) => {
      const o = iou(det.box, t.box);
      if (t.label === det.label) ownIou = Math.max(ownIou, o);
      if (o < MATCH_IOU) return;
      if (t.label === det.label) {
        if (taken.has(i)) duplicate = true;
        else if (o >= sameIou) {
          same = i;
          sameIou = o;
        }
      } else if (o >= otherIou) {
        other = t;
        otherIou = o;
      }
    });
    if (same >= 0) {
      taken.add(same);
      out[d] = { outcome: 'correct', trueLabel: det.label, ownIou };
    } else if (duplicate) out[d] = { outcome: 'correct', trueLabel: det.label, ownIou };
    else if (other) out[d] = { outcome: 'wrong-class', trueLabel: other.label, ownIou };
    else if (crowds.some((c) => crowdOverlap(det.box, c.box) >= MATCH_IOU))
      out[d] = { outcome: 'ignored', trueLabel: null, ownIou };
    else out[d] = { outcome: 'no-object', trueLabel: null, ownIou };
  }
  return out;
}

export const isMistake = (o: Outcome) => o === 'wrong-class' || o === 'no-object';
