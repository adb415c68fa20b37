import { readFileSync } from 'node:fs';
import { fixturePath } from '@orion/testkit';
import {
  coverage,
  parseMotGroundTruth,
  type BoxXywh,
  type MotGroundTruth,
  type TrackDetection,
} from '../../src/index.js';
import { gaussian, seededRandom } from './random.js';

export const TUD_FPS = 25;

export function loadTudGroundTruth(): MotGroundTruth {
  return parseMotGroundTruth(readFileSync(fixturePath('mot', 'TUD-Campus', 'gt', 'gt.txt'), 'utf8'));
}

export interface Degradation {
  /** Sampling rate the video is "decoded" at. */
  fps: number;
  /** Box noise: standard deviation of each edge as a share of the box size. */
  jitter: number;
  /** Probability that a box is not detected. */
  dropout: number;
  seed: number;
}

/** A detection made from a ground-truth box, with the identity it came from. */
export interface GtDetection extends TrackDetection<number> {
  truthId: number;
  sourceFrame: number;
}

/**
 * Detections made from ground-truth boxes as a detector sampling at `fps` would see them: only the
 * frames the sampler picks (the one on screen at n / fps), each box jittered, some dropped, scores
 * lower the more other boxes cover it (so occluded people fall into the low-score pass). Deterministic
 * for a seed.
 */
export function degradedDetections(truth: MotGroundTruth, d: Degradation): GtDetection[] {
  const random = seededRandom(d.seed);
  const lastFrame = Math.max(...truth.frames.keys());
  const out: GtDetection[] = [];
  for (let n = 0; ; n++) {
    const t = n / d.fps;
    const sourceFrame = Math.floor(t * TUD_FPS + 1e-6);
    if (sourceFrame > lastFrame) break;
    const boxes = truth.frames.get(sourceFrame) ?? [];
    for (const g of boxes) {
      if (random() < d.dropout) continue;
      // Occluded people score lower, as detectors do (what ByteTrack's low-score pass is for).
      const occlusion = Math.max(0, ...boxes.filter((o) => o !== g).map((o) => coverage(g.box, o.box)));
      const score = Math.min(0.99, Math.max(0.3, 0.9 - 0.5 * occlusion + 0.08 * gaussian(random)));
      out.push({
        id: out.length,
        frame: n,
        t,
        box: jittered(g.box, d.jitter, random),
        label: 'person',
        score,
        truthId: g.id,
        sourceFrame,
      });
    }
  }
  return out;
}

function jittered(box: BoxXywh, jitter: number, random: () => number): BoxXywh {
  const [x, y, w, h] = box;
  const x1 = x + jitter * w * gaussian(random);
  const x2 = x + w + jitter * w * gaussian(random);
  const y1 = y + jitter * h * gaussian(random);
  const y2 = y + h + jitter * h * gaussian(random);
  return [x1, y1, Math.max(x2 - x1, 1), Math.max(y2 - y1, 1)];
}
