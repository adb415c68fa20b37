import type { Box } from '@orion/shared';
import { decodeShardFrames } from '../src/decode/decode-shard.js';
import type { Detector } from '@orion/detector';
import { matchBoxes } from './metrics.js';

export interface VideoScore {
  frames: number;
  truth: number;
  detections: number;
  matched: number;
  /** NaN without ground truth. */
  recall: number;
  precision: number;
  boxesPerFrame: number;
  /** Detection time per frame (decoding excluded). */
  msPerFrame: number;
}

/** Recall and precision at IoU ≥ 0.5 of `detector` on a video sampled at `fps`, one frame at a time. */
export async function scoreVideo(
  detector: Detector,
  file: string,
  seconds: number,
  fps: number,
  truth?: Map<number, Box[]>,
): Promise<VideoScore> {
  const s = { frames: 0, truth: 0, detections: 0, matched: 0, ms: 0 };
  for await (const frame of decodeShardFrames({ input: file, startSeconds: 0, endSeconds: seconds, fps })) {
    const t = performance.now();
    const found = (await detector.detect([frame.image])).detections[0]!;
    s.ms += performance.now() - t;
    const gt = truth?.get(frame.index) ?? [];
    s.truth += gt.length;
    s.detections += found.length;
    s.matched += matchBoxes(found, gt, 0.5);
    s.frames++;
  }
  return {
    frames: s.frames,
    truth: s.truth,
    detections: s.detections,
    matched: s.matched,
    recall: s.truth ? s.matched / s.truth : NaN,
    precision: s.detections ? s.matched / s.detections : NaN,
    boxesPerFrame: s.detections / s.frames,
    msPerFrame: s.ms / s.frames,
  };
}
