import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import {
  createObjectStore,
  decodeImage,
  loadConfig,
  type ObjectStore,
  type OrionConfig,
  type ShardSpan,
} from '@orion/shared';
import { fixturePath, modelPath } from '@orion/testkit';
// The embed stage's input is the detect stage's output: these tests make it with the detect-worker's
// own code (YOLOX-Nano, its crop cutting and shard writer), so the crops are the real thing.
import { detectShard } from '../../detect-worker/src/detect-shard.js';
import { Detector } from '../../detect-worker/src/detect/detector.js';
import { cropRegion, encodeCrop } from '../../detect-worker/src/output/crops.js';

/** Temp folders of a test file, removed by `cleanup()`. */
export function tempDirs() {
  const dirs: string[] = [];
  return {
    async make(prefix = 'orion-embed-test-'): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup: () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))),
  };
}

/**
 * Environment for processes and job threads: the test Redis and an S3 prefix of its own on the test
 * s3rver, so tests never see each other's objects.
 */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  const s3 = inject('s3');
  return {
    REDIS_URL: inject('redisUrl'),
    STORAGE_URL: `s3://${s3.bucket}/test-${randomUUID()}/`,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    ORION_MODELS_DIR: modelPath(),
    EXECUTION_PROVIDER: 'cpu',
    LOG_LEVEL: 'warn',
    ORT_INTRA_OP_THREADS: '1',
    ...extra,
  };
}

export function storeFor(env: Record<string, string>): { config: OrionConfig; store: ObjectStore } {
  const config = loadConfig(env);
  return { config, store: createObjectStore(config) };
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
