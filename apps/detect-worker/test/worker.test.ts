import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  QueueName,
  readShardCrops,
  readShardDetections,
  videoKeys,
  type DetectJobData,
  type DetectJobResult,
} from '@orion/shared';
import { TestWorkers, fixturePath, makeTestVideo, type TestWorker } from '@orion/testkit';
import { storeFor, tempDirs, testEnv } from './support.js';

// The detect worker as deployed: a BullMQ worker on the real Redis whose job threads load YOLOX-Nano
// and read the source from the real S3 server (presigned URL), writing results back to it.

const env = testEnv();
const { store } = storeFor(env);
const workers = new TestWorkers(inject('redisUrl'), 'detect-worker-test');
const dirs = tempDirs();
const videoId = 'tud';
const tud: DetectJobData = {
  videoId,
  tenantId: 'acme',
  sourceKey: videoKeys(videoId).source,
  shard: { index: 0, count: 1, startSeconds: 0, endSeconds: 2.84 },
  targetFps: 25,
};
let detect: TestWorker<'detect'>;

beforeAll(async () => {
  await store.put(tud.sourceKey, await readFile(fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4')));
  // The first half of a 4 s MP4 whose index is at the front: it still claims 4 s, frames stop near 2 s.
  const whole = await makeTestVideo({
    out: `${await dirs.make()}/whole.mp4`,
    seconds: 4,
    fps: 10,
    width: 160,
    height: 120,
    faststart: true,
  });
  const bytes = await readFile(whole);
  await store.put(videoKeys('truncated').source, bytes.subarray(0, bytes.length / 2));
  await store.put(
    videoKeys('broken').source,
    Buffer.from('this is not a video, only some bytes'.repeat(100)),
  );
  detect = await workers.start({
    queue: QueueName.detect,
    processor: new URL('../src/processor.ts', import.meta.url),
    concurrency: 1,
    env,
    // A lock shorter than this shard's detection (about 2 s here): it expires if its renewal is ever
    // starved. packages/shared/test/run-worker.test.ts shows the same with a fixed 3.5 s of blocking.
    workerOptions: { lockDuration: 1_500, stalledInterval: 1_500 },
  });
});

afterAll(async () => {
  await workers.close();
  await store.deletePrefix('videos/');
  await store.close();
  await dirs.cleanup();
});

const runJob = (data: unknown, opts?: Parameters<TestWorker<'detect'>['run']>[1]) => detect.run(data, opts);

describe('detect worker on a real queue and store', () => {
  it('detects a whole shard without stalling, stores detections and crops, and returns a summary', async () => {
    const job = await runJob(tud);
    expect(job.failedReason).toBeUndefined();
    const result = job.returnvalue as DetectJobResult;
    expect(result).toMatchObject({
      videoId,
      shardIndex: 0,
      frames: 71,
      expectedFrames: 71,
      model: 'yolox_nano',
    });
    expect(['cpu', 'cuda']).toContain(result.executionProvider);
    expect(result.timings.inferenceMs).toBeGreaterThan(0);
    expect(job.attemptsMade).toBe(1);
    expect(detect.stalled).toEqual([]);
    expect(detect.progress.length).toBeGreaterThan(1);
    expect(detect.progress.at(-1)).toEqual({ stage: 'detect', done: 71, total: 71, percent: 100 });

    const detections = await readShardDetections(store, videoId, 0);
    expect(detections.sampling).toEqual({ fps: 25, firstFrame: 0, frameCount: 71 });
    expect(detections.frameSize).toEqual({ width: 640, height: 480 });
    expect(detections.detections).toHaveLength(result.detections);
    expect(detections.detections.filter((d) => d.label === 'person').length).toBeGreaterThan(250);
    for (const d of detections.detections) {
      expect(d.t).toBeCloseTo(d.frame / 25, 6);
      expect(d.box[2]).toBeLessThanOrEqual(640);
      expect(d.top5[0]!.p).toBeGreaterThanOrEqual(d.top5[4]!.p);
    }

    const { index, crops } = await readShardCrops(store, videoId, 0);
    expect(crops.map((c) => c.entry.detection)).toEqual(detections.detections.map((d) => d.id));
    for (const { entry, jpeg } of crops.filter((_, i) => i % 25 === 0)) {
      const meta = await sharp(jpeg).metadata();
      expect(meta.format).toBe('jpeg');
      expect([meta.width, meta.height]).toEqual([entry.width, entry.height]);
      // The cut-out contains its box.
      const box = detections.detections[entry.detection]!.box;
      const [x, y, w, h] = entry.region;
      expect(x).toBeLessThanOrEqual(box[0]);
      expect(x + w).toBeGreaterThanOrEqual(box[2]);
      expect(y).toBeLessThanOrEqual(box[1]);
      expect(y + h).toBeGreaterThanOrEqual(box[3]);
    }
    expect(index.margin).toBe(0.1);
  });

  it('re-running a shard writes the same keys with the same bytes', async () => {
    const keys = videoKeys(videoId).shard(0);
    const before = await Promise.all([keys.detections, keys.crops, keys.cropsIndex].map((k) => store.get(k)));
    const job = await runJob(tud);
    expect(job.returnvalue).toMatchObject({ frames: 71 });
    const after = await Promise.all([keys.detections, keys.crops, keys.cropsIndex].map((k) => store.get(k)));
    after.forEach((buf, i) => expect(buf.equals(before[i]!)).toBe(true));
  });

  it('fails a corrupt video with the reason, retried per the queue policy', async () => {
    const job = await runJob(
      { ...tud, videoId: 'broken', sourceKey: videoKeys('broken').source },
      { attempts: 2, backoff: { type: 'fixed', delay: 50 } },
    );
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(2);
    expect(job.failedReason).toMatch(/ffmpeg could not decode the video \[0s, 2\.84s\): .*Invalid data/);
    // Users see this reason in the status: no store path, no presigned URL (docs/security.md).
    expect(job.failedReason).not.toMatch(/videos\/broken|X-Amz-|https?:\/\//);
    expect(await store.head(videoKeys('broken').shard(0).detections)).toBeUndefined();
  });

  it('fails bad job data at once, without retries', async () => {
    const job = await runJob({ ...tud, targetFps: -1 }, { attempts: 3 });
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/Invalid detect job data: targetFps/);
  });

  it('reports frames missing from a damaged file, and fails a shard with none at once', async () => {
    const truncated = {
      ...tud,
      videoId: 'truncated',
      sourceKey: videoKeys('truncated').source,
      targetFps: 5,
    };
    const whole = await runJob({
      ...truncated,
      shard: { index: 0, count: 2, startSeconds: 0, endSeconds: 3 },
    });
    expect(whole.failedReason).toBeUndefined();
    const result = whole.returnvalue as DetectJobResult;
    expect(result.expectedFrames).toBe(15);
    expect(result.frames).toBeGreaterThan(0);
    expect(result.frames).toBeLessThan(13);

    // Past the cut: nothing to decode, now or on a retry, so no retry is spent on it.
    const empty = await runJob(
      { ...truncated, shard: { index: 1, count: 2, startSeconds: 3, endSeconds: 4 } },
      { attempts: 3, backoff: { type: 'fixed', delay: 50 } },
    );
    expect(await empty.getState()).toBe('failed');
    expect(empty.attemptsMade).toBe(1);
    expect(empty.failedReason).toBe(
      'no frame could be decoded in [3s, 4s): the file is damaged or shorter than its header says there',
    );
  });
});
