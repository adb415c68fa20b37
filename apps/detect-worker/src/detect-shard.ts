import type { DetectJobResult, Logger, ObjectStore, ShardSpan, JobProgress } from '@orion/shared';
import { decodeShardFrames, shardFrameRange } from './decode/decode-shard.js';
import { EmptyShardError } from './decode/empty-shard-error.js';
import type { Detector } from '@orion/detector';
import { storeShardOutput } from './output/shard-output.js';
import { CropCutter } from './shard/crop-cutter.js';
import { roundDetectTimings, zeroDetectTimings } from './shard/detect-timings.js';
import { forEachFrameBatch } from './shard/frame-batches.js';
import { shardOutputMeta } from './shard/output-meta.js';
import { ShardDetections } from './shard/shard-detections.js';
import { ShardProgress } from './shard/shard-progress.js';

export interface DetectShardInput {
  videoId: string;
  shard: ShardSpan;
  targetFps: number;
  /** Local path or presigned URL of the source video. */
  source: string;
}

export interface DetectShardDeps {
  detector: Detector;
  store: ObjectStore;
  cropMargin: number;
  logger?: Logger;
  onProgress?: (progress: JobProgress) => void;
  /** Least time between two progress reports (the last one is always sent). */
  progressIntervalMs?: number;
}

/**
 * One shard, end to end: decode its samples, detect objects batch by batch, cut and encode the crops
 * (overlapping with detection), then store detections, crop pack and index. Returns the job summary.
 */
export async function detectShard(input: DetectShardInput, deps: DetectShardDeps): Promise<DetectJobResult> {
  const { detector, store, logger } = deps;
  const { startSeconds, endSeconds } = input.shard;
  const started = performance.now();
  const range = shardFrameRange(startSeconds, endSeconds, input.targetFps);
  const timings = zeroDetectTimings();
  const found = new ShardDetections(detector, timings);
  const cutter = new CropCutter(deps.cropMargin);
  const progress = new ShardProgress(range.count, deps.onProgress, deps.progressIntervalMs);

  try {
    const frames = decodeShardFrames({ input: input.source, startSeconds, endSeconds, fps: input.targetFps });
    timings.decodeWaitMs = await forEachFrameBatch(frames, detector.batchSize, async (batch) => {
      await found.detect(batch, (id, frame, d) => cutter.cut(id, frame, d));
      progress.report(found.frames);
      await cutter.throttle();
    });
  } finally {
    // Never leave crop encodings running behind a failure.
    await cutter.settle();
  }
  await cutter.flush();
  timings.cropsMs = cutter.waitMs;

  const { frames } = found;
  if (frames === 0 && range.count > 0) {
    throw new EmptyShardError(startSeconds, endSeconds);
  }
  if (frames < range.count) {
    // Reported to the user through the result's expectedFrames (a warning in the video's status).
    logger?.warn({ frames, expected: range.count }, 'fewer frames decoded than planned');
  }

  const t = performance.now();
  const keys = await storeShardOutput(
    store,
    shardOutputMeta(input, range.first, found, detector, deps.cropMargin),
    found.detections,
    cutter.crops,
  );
  timings.storeMs = performance.now() - t;
  timings.totalMs = performance.now() - started;
  progress.report(frames, true);

  return {
    videoId: input.videoId,
    shardIndex: input.shard.index,
    frames,
    expectedFrames: range.count,
    detections: found.detections.length,
    model: detector.name,
    inferenceRuns: found.inferenceRuns,
    executionProvider: detector.provider,
    timings: roundDetectTimings(timings),
    keys,
  };
}
