import type { DetectShardInput } from '../detect-shard.js';
import type { Detector } from '@orion/detector';
import type { ShardOutputMeta } from '../output/shard-output.js';
import type { ShardDetections } from './shard-detections.js';

/** What the stored detections say about how they were made: sampling, frame size, model, settings. */
export function shardOutputMeta(
  input: DetectShardInput,
  firstFrame: number,
  found: ShardDetections,
  detector: Detector,
  cropMargin: number,
): ShardOutputMeta {
  return {
    videoId: input.videoId,
    shard: input.shard,
    fps: input.targetFps,
    firstFrame,
    frameCount: found.frames,
    frameSize: found.frameSize ?? null,
    model: {
      name: detector.name,
      sha256: detector.sha256,
      scoreThreshold: detector.scoreThreshold,
      nmsIou: detector.nmsIou,
      classes: detector.classes ?? null,
    },
    labels: detector.labels,
    cropMargin,
  };
}
