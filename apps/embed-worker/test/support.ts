import { inject } from 'vitest';
import { decodeImage, type ObjectStore, type ShardSpan } from '@orion/shared';
import { fixturePath, modelPath, tempDirs as testDirs, workerTestEnv } from '@orion/testkit';
// The embed stage's input is the detect stage's output: these tests make it with the detect-worker's
// own code (YOLOX-Nano, its crop cutting and shard writer), so the crops are the real thing.
import { detectShard } from '../../detect-worker/src/detect-shard.js';
import { Detector } from '@orion/detector';
import { cropRegion, encodeCrop } from '../../detect-worker/src/output/crops.js';

export { storeFor } from '@orion/testkit';

/** Temp folders of a test file, removed by `cleanup()`. */
export const tempDirs = () => testDirs('orion-embed-test-');

/** Environment for processes and job threads (see workerTestEnv), inference on the CPU. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return workerTestEnv(
    { redisUrl: inject('redisUrl'), s3: inject('s3') },
    { EXECUTION_PROVIDER: 'cpu', ...extra },
  );
}

const loadDetector = () =>
  Detector.load({
    modelsDir: modelPath(),
    model: 'yolox_nano',
    executionProvider: 'cpu',
    intraOpThreads: 0,
    interOpThreads: 1,
    scoreThreshold: 0.3,
    batchSize: 4,
  });

export interface PhotoCrop {
  label: string;
  score: number;
  jpeg: Buffer;
}

/** YOLOX-Nano's detections in a fixture photo, each cut out as the detect stage cuts crops. */
export async function photoCrops(photo: string, margin = 0.1): Promise<PhotoCrop[]> {
  const detector = await loadDetector();
  try {
    const image = await decodeImage(fixturePath('photos', photo));
    const { detections } = await detector.detect([image]);
    return Promise.all(
      detections[0]!.map(async (d) => ({
        label: d.label,
        score: d.score,
        jpeg: (await encodeCrop(image, cropRegion(d.box, image.width, image.height, margin))).jpeg,
      })),
    );
  } finally {
    await detector.close();
  }
}

/** Runs the detect stage on a fixture video's time range, storing detections and crops as shard `shard.index`. */
export async function detectVideoShard(
  store: ObjectStore,
  videoId: string,
  video: string,
  shard: ShardSpan,
  targetFps: number,
): Promise<void> {
  const detector = await loadDetector();
  try {
    await detectShard(
      { videoId, shard, targetFps, source: fixturePath('videos', video) },
      { detector, store, cropMargin: 0.1 },
    );
  } finally {
    await detector.close();
  }
}
