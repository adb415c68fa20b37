import type { Box } from '@orion/shared';

export function boxIou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/**
 * One-to-one matches between detections (best score first) and ground truth boxes at IoU ≥ `minIou`,
 * as in the usual detection metrics: each truth box is matched at most once.
 */
export function matchBoxes(detections: { box: Box; score: number }[], truth: Box[], minIou: number): number {
  const used = new Set<number>();
  let matched = 0;
  for (const d of [...detections].sort((a, b) => b.score - a.score)) {
    let best = -1;
    let bestIou = minIou;
    truth.forEach((t, i) => {
      const iou = boxIou(d.box, t);
      if (!used.has(i) && iou >= bestIou) {
        best = i;
        bestIou = iou;
      }
    });
    if (best >= 0) {
      used.add(best);
      matched++;
    }
  }
  return matched;
}

/** MOTChallenge gt.txt: `frame,id,x,y,w,h,…` (frames from 1) → boxes per 0-based frame. */
export function parseMotGroundTruth(text: string): Map<number, Box[]> {
  const frames = new Map<number, Box[]>();
  for (const line of text.split('\n')) {
    const [frame, , x, y, w, h] = line.split(',').map(Number);
    if (!frame || x === undefined || y === undefined || !w || !h) continue;
    const list = frames.get(frame - 1) ?? [];
    list.push([x, y, x + w, y + h]);
    frames.set(frame - 1, list);
  }
  return frames;
}

/** Ground truth for the video scaled by `k` (boxes × k). */
export const scaleTruth = (truth: Map<number, Box[]>, k: number): Map<number, Box[]> =>
  new Map([...truth].map(([f, boxes]) => [f, boxes.map((b) => b.map((v) => v * k) as Box)]));

/** Ground truth for the video placed at (dx, dy) in a larger frame. */
export const shiftTruth = (truth: Map<number, Box[]>, dx: number, dy: number): Map<number, Box[]> =>
  new Map(
    [...truth].map(([f, boxes]) => [
      f,
      boxes.map((b) => [b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy] as Box),
    ]),
  );
