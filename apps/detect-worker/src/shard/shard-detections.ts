import type { DetectTimings, Detection } from '@orion/shared';
import type { DecodedFrame } from '../decode/decode-shard.js';
import type { Detector, ImageDetection } from '@orion/detector';
import { frameDetection } from './frame-detection.js';

type ModelTimings = Pick<DetectTimings, 'preprocessMs' | 'inferenceMs' | 'postprocessMs'>;

/** A shard's detections, numbered in order, gathered batch by batch, with the model's timings. */
export class ShardDetections {
  readonly detections: Detection[] = [];
  frames = 0;
  inferenceRuns = 0;
  frameSize: { width: number; height: number } | undefined;

  constructor(
    private readonly detector: Detector,
    private readonly timings: ModelTimings,
  ) {}

  /** Detects objects in `batch`; calls `found` for each new detection (to cut its crop). */
  async detect(
    batch: DecodedFrame[],
    found: (id: number, frame: DecodedFrame, d: ImageDetection) => void,
  ): Promise<void> {
    const { detections: perImage, timing } = await this.detector.detect(batch.map((f) => f.image));
    this.timings.preprocessMs += timing.preprocessMs;
    this.timings.inferenceMs += timing.inferenceMs;
    this.timings.postprocessMs += timing.postprocessMs;
    this.inferenceRuns += timing.runs;
    this.frameSize ??= batch[0] && { width: batch[0].image.width, height: batch[0].image.height };
    batch.forEach((frame, i) => {
      for (const d of perImage[i]!) {
        const id = this.detections.length;
        this.detections.push(frameDetection(id, frame, d));
        found(id, frame, d);
      }
    });
    this.frames += batch.length;
  }
}
