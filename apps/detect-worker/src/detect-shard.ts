import type {
  CropToPack,
  DetectJobResult,
  DetectTimings,
  Detection,
  Logger,
  ObjectStore,
  ShardSpan,
  JobProgress,
} from '@orion/shared';
import { DecodeError, decodeShardFrames, shardFrameRange, type DecodedFrame } from './decode/decode-shard.js';
import type { Detector } from './detect/detector.js';
import { cropRegion, encodeCrop } from './output/crops.js';
import { storeShardOutput } from './output/shard-output.js';

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

// Crops are encoded while the next frames are detected; this bounds the frames kept alive for them.
const MAX_PENDING_CROPS = 64;

/**
 * One shard, end to end: decode its samples, detect objects batch by batch, cut and encode the crops
 * (overlapping with detection), then store detections, crop pack and index. Returns the job summary.
 */
export async function detectShard(input: DetectShardInput, deps: DetectShardDeps): Promise<DetectJobResult> {
  const { detector, store, logger } = deps;
  const started = performance.now();
  const range = shardFrameRange(input.shard.startSeconds, input.shard.endSeconds, input.targetFps);
  const timings: DetectTimings = {
    decodeWaitMs: 0,
    preprocessMs: 0,
    inferenceMs: 0,
    postprocessMs: 0,
    cropsMs: 0,
    storeMs: 0,
    totalMs: 0,
  };
  const detections: Detection[] = [];
  const crops: CropToPack[] = [];
  let pending: Promise<void>[] = [];
  let frames = 0;
  let inferenceRuns = 0;
  let frameSize: { width: number; height: number } | undefined;
  let lastReport = 0;

  const report = (force = false) => {
    const now = performance.now();
    if (!deps.onProgress || (!force && now - lastReport < (deps.progressIntervalMs ?? 1000))) return;
    lastReport = now;
    const total = Math.max(range.count, frames);
    deps.onProgress({
      stage: 'detect',
      done: frames,
      total,
      percent: total ? Math.round((100 * frames) / total) : 100,
    });
  };

  const flushCrops = async () => {
    const t = performance.now();
    await Promise.all(pending);
    pending = [];
    timings.cropsMs += performance.now() - t;
  };

  const detectBatch = async (batch: DecodedFrame[]) => {
    const { detections: perImage, timing } = await detector.detect(batch.map((f) => f.image));
    timings.preprocessMs += timing.preprocessMs;
    timings.inferenceMs += timing.inferenceMs;
    timings.postprocessMs += timing.postprocessMs;
    inferenceRuns += timing.runs;
    batch.forEach((frame, i) => {
      for (const d of perImage[i]!) {
        const id = detections.length;
        detections.push({
          id,
          frame: frame.index,
          t: frame.t,
          box: d.box,
          class: d.classId,
          label: d.label,
          score: d.score,
          top5: d.top5,
        });
        const region = cropRegion(d.box, frame.image.width, frame.image.height, deps.cropMargin);
        pending.push(
          encodeCrop(frame.image, region).then((c) => {
            crops[id] = { detection: id, frame: frame.index, region, ...c };
          }),
        );
      }
    });
    frames += batch.length;
    report();
    if (pending.length >= MAX_PENDING_CROPS) await flushCrops();
  };

  let batch: DecodedFrame[] = [];
  let waitStart = performance.now();
  try {
    for await (const frame of decodeShardFrames({
      input: input.source,
      startSeconds: input.shard.startSeconds,
      endSeconds: input.shard.endSeconds,
      fps: input.targetFps,
    })) {
      timings.decodeWaitMs += performance.now() - waitStart;
      frameSize ??= { width: frame.image.width, height: frame.image.height };
      batch.push(frame);
      if (batch.length === detector.batchSize) {
        await detectBatch(batch);
        batch = [];
      }
      waitStart = performance.now();
    }
    timings.decodeWaitMs += performance.now() - waitStart;
    if (batch.length) await detectBatch(batch);
  } finally {
    // Never leave crop encodings running behind a failure.
    await Promise.allSettled(pending);
  }
  await flushCrops();

  if (frames === 0 && range.count > 0) {
    throw new DecodeError(
      `no frame could be decoded in [${input.shard.startSeconds}s, ${input.shard.endSeconds}s): the video is shorter than planned or unreadable there`,
    );
  }
  if (frames < range.count) {
    logger?.warn({ frames, expected: range.count }, 'the video ended before the end of the shard');
  }

  const t = performance.now();
  const keys = await storeShardOutput(
    store,
    {
      videoId: input.videoId,
      shard: input.shard,
      fps: input.targetFps,
      firstFrame: range.first,
      frameCount: frames,
      frameSize: frameSize ?? null,
      model: {
        name: detector.name,
        sha256: detector.sha256,
        scoreThreshold: detector.scoreThreshold,
        nmsIou: detector.nmsIou,
        classes: detector.classes ?? null,
      },
      labels: detector.labels,
      cropMargin: deps.cropMargin,
    },
    detections,
    crops,
  );
  timings.storeMs = performance.now() - t;
  timings.totalMs = performance.now() - started;
  report(true);

  for (const key of Object.keys(timings) as (keyof DetectTimings)[]) {
    timings[key] = Math.round(timings[key] * 10) / 10;
  }
  return {
    videoId: input.videoId,
    shardIndex: input.shard.index,
    frames,
    expectedFrames: range.count,
    detections: detections.length,
    model: detector.name,
    inferenceRuns,
    executionProvider: detector.provider,
    timings,
    keys,
  };
}
