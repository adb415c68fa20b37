import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '@orion/testkit';
import { decodeShardFrames } from '../src/decode/decode-shard.js';
import { Detector } from '@orion/detector';
import { matchBoxes, parseMotGroundTruth } from './metrics.js';
import { modelsDir } from './support.js';

// Person recall of the whole path (ffmpeg sampling at 25 fps → YOLOX-Nano at score 0.3) against the
// MOT15 ground truth of TUD-Campus. Frame k of the video is ground-truth frame k + 1.

let detector: Detector;
beforeAll(async () => {
  detector = await Detector.load({
    modelsDir: modelsDir(),
    model: 'yolox_nano',
    executionProvider: 'cpu',
    intraOpThreads: 2,
    interOpThreads: 1,
    scoreThreshold: 0.3,
    classes: ['person'],
    batchSize: 1,
  });
});
afterAll(() => detector.close());

describe('TUD-Campus at 25 fps', () => {
  it('recalls at least 75 % of the ground-truth people at IoU 0.5', async () => {
    const truth = parseMotGroundTruth(
      await readFile(fixturePath('mot', 'TUD-Campus', 'gt', 'gt.txt'), 'utf8'),
    );
    let truthCount = 0;
    let detectionCount = 0;
    let matched = 0;
    let frames = 0;
    for await (const frame of decodeShardFrames({
      input: fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4'),
      startSeconds: 0,
      endSeconds: 71 / 25,
      fps: 25,
    })) {
      const found = (await detector.detect([frame.image])).detections[0]!;
      const gt = truth.get(frame.index) ?? [];
      truthCount += gt.length;
      detectionCount += found.length;
      matched += matchBoxes(found, gt, 0.5);
      frames++;
    }
    const recall = matched / truthCount;
    const precision = matched / detectionCount;
    console.log(
      `TUD-Campus person recall ${recall.toFixed(3)} (${matched}/${truthCount}), precision ${precision.toFixed(3)} (${matched}/${detectionCount}) over ${frames} frames`,
    );
    expect(frames).toBe(71);
    expect(truthCount).toBe(359);
    expect(recall).toBeGreaterThanOrEqual(0.75);
  });
});
