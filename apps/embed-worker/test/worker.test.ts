import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEmbeddingModel, dot, labelCheckParams } from '@orion/embeddings';
import {
  QueueName,
  readShardCrops,
  readShardDetections,
  readShardEmbeddings,
  videoKeys,
  type EmbedJobData,
  type EmbedJobResult,
} from '@orion/shared';
import { TestWorkers, modelPath, writeSyntheticClip } from '@orion/testkit';
import { storeShardOutput } from '../../detect-worker/src/output/shard-output.js';
import { detectVideoShard, storeFor, tempDirs, testEnv } from './support.js';

// The embed worker as deployed: a BullMQ worker on the real Redis whose job threads load the
// embedding model and read a shard's crops from the real S3 server, writing embeddings back to it.

const dirs = tempDirs();
const env = testEnv();
const { store } = storeFor(env);
const workers = new TestWorkers(inject('redisUrl'), 'embed-worker-test');
const shard = { index: 0, count: 1, startSeconds: 0, endSeconds: 16 };
const job = (videoId: string): EmbedJobData => ({ videoId, tenantId: 'acme', shard });

/** A worker with its own queue prefix; progress and stalls recorded. */
const startEmbedWorker = (workerEnv: Record<string, string>) =>
  workers.start({
    queue: QueueName.embed,
    processor: new URL('../src/processor.ts', import.meta.url),
    concurrency: 1,
    env: workerEnv,
    // A lock this short expires within 0.3 s if its renewal is ever starved by inference; a shard
    // of ~130 crops takes longer than that to embed.
    workerOptions: { lockDuration: 300, stalledInterval: 300 },
  });

const keysOf = (videoId: string) => {
  const k = videoKeys(videoId).shard(0);
  return [k.embeddings, k.embeddingsIndex];
};

let vision: Awaited<ReturnType<typeof startEmbedWorker>>;

beforeAll(async () => {
  // The first 16 s of the bottle video at 2 samples per second, through the real detect stage.
  await detectVideoShard(store, 'bottles', 'intel_bottle-detection.mp4', shard, 2);
  vision = await startEmbedWorker(env);
}, 120_000);

afterAll(async () => {
  await workers.close();
  await store.deletePrefix('videos/');
  await store.close();
  await dirs.cleanup();
});

describe('embed worker on a real queue and store', () => {
  it('embeds and verifies a shard’s crops without stalling, stores them, and returns a summary', async () => {
    const done = await vision.run(job('bottles'));
    expect(done.failedReason).toBeUndefined();
    const result = done.returnvalue as EmbedJobResult;
    const { crops } = await readShardCrops(store, 'bottles', 0);
    const { detections, labels } = await readShardDetections(store, 'bottles', 0);
    expect(crops.length).toBeGreaterThan(20);
    expect(result).toMatchObject({
      videoId: 'bottles',
      shardIndex: 0,
      count: crops.length,
      dim: 1280,
      backend: 'vision',
      model: 'mobilenetv2_emb',
      executionProvider: 'cpu',
      multimodal: false,
      keys: { embeddings: keysOf('bottles')[0], embeddingsIndex: keysOf('bottles')[1] },
    });
    const v = result.verification!;
    expect(v.verified + v.unverifiable).toBe(crops.length);
    expect(v.matches + v.mismatches).toBe(v.verified);
    expect(v.matches).toBeGreaterThan(crops.length / 2);
    expect(result.timings.inferenceMs).toBeGreaterThan(0);
    expect(result.cropsPerSecond).toBeGreaterThan(0);
    expect(vision.stalled).toEqual([]);
    expect(done.attemptsMade).toBe(1);
    expect(vision.progress.at(-1)).toEqual({
      stage: 'embed',
      done: crops.length,
      total: crops.length,
      percent: 100,
    });

    const stored = await readShardEmbeddings(store, 'bottles', 0);
    expect(stored.index).toMatchObject({
      count: crops.length,
      dim: 1280,
      dtype: 'float32',
      byteOrder: 'little-endian',
    });
    expect(stored.index.model).toMatchObject({
      backend: 'vision',
      name: 'mobilenetv2_emb',
      executionProvider: 'cpu',
    });
    expect(stored.has('multimodal')).toBe(false);
    // The label check's operating point; the embedding model's share is among the detector's own classes.
    expect(stored.index.verification).toEqual({
      threshold: labelCheckParams().flagBelow,
      candidates: labels,
    });
    // One row per crop, in crop order, labelled with the crop's detection.
    expect(stored.index.observations.map((o) => o.detection)).toEqual(crops.map((c) => c.entry.detection));
    stored.index.observations.forEach((o) => expect(o.label).toBe(detections[o.detection]!.label));
    for (let i = 0; i < stored.index.count; i++)
      expect(dot(stored.row('vision', i), stored.row('vision', i))).toBeCloseTo(1, 5);
    const people = stored.index.observations.filter((o) => o.label === 'person');
    // The label check judges every class, people included (the embedding model alone cannot).
    expect(v.unverifiable).toBe(0);
    people.forEach((o) =>
      expect(o.verification).toMatchObject({ status: 'verified', verdict: expect.any(String) }),
    );

    // The stored vectors are the model's: embed a few crops here and compare.
    const model = await createEmbeddingModel({
      backend: 'vision',
      modelsDir: modelPath(),
      executionProvider: 'cpu',
    });
    try {
      for (const i of [0, Math.floor(crops.length / 2), crops.length - 1]) {
        expect(dot(await model.encodeImage(crops[i]!.jpeg), stored.row('vision', i))).toBeCloseTo(1, 5);
      }
    } finally {
      await model.close();
    }
  });

  it('re-running a shard writes the same keys with the same bytes', async () => {
    const before = await Promise.all(keysOf('bottles').map((k) => store.get(k)));
    const again = await vision.run(job('bottles'));
    expect(again.returnvalue).toMatchObject({
      count: (await readShardEmbeddings(store, 'bottles', 0)).index.count,
    });
    const after = await Promise.all(keysOf('bottles').map((k) => store.get(k)));
    after.forEach((buf, i) => expect(buf.equals(before[i]!)).toBe(true));
  });

  it('stores an empty embedding set for a shard without detections', async () => {
    await storeShardOutput(
      store,
      {
        videoId: 'empty',
        shard,
        fps: 2,
        firstFrame: 0,
        frameCount: 32,
        frameSize: { width: 640, height: 360 },
        model: { name: 'yolox_nano', sha256: 'x', scoreThreshold: 0.3, nmsIou: 0.45, classes: null },
        labels: ['person', 'bottle'],
        cropMargin: 0.1,
      },
      [],
      [],
    );
    const done = await vision.run(job('empty'));
    expect(done.returnvalue).toMatchObject({
      count: 0,
      dim: 1280,
      verification: { verified: 0, unverifiable: 0 },
    });
    const stored = await readShardEmbeddings(store, 'empty', 0);
    expect(stored.index.count).toBe(0);
    expect(stored.matrix('vision')).toHaveLength(0);
  });

  it('fails a shard whose crops are missing, naming the key', async () => {
    const failed = await vision.run(job('never-detected'), { attempts: 1 });
    expect(await failed.getState()).toBe('failed');
    expect(failed.failedReason).toMatch(/videos\/never-detected\/shards\/00000\/detections\.json/);
    expect(await store.head(keysOf('never-detected')[1]!)).toBeUndefined();
  });

  it('fails bad job data at once, without retries', async () => {
    const bad = await vision.run({ ...job('bottles'), shard: { ...shard, index: 3 } }, { attempts: 3 });
    expect(await bad.getState()).toBe('failed');
    expect(bad.attemptsMade).toBe(1);
    expect(bad.failedReason).toMatch(/Invalid embed job data: shard/);
  });

  it('stores multimodal embeddings with the clip backend when asked', async () => {
    // Generated encoders under the name EMBEDDING_MODEL=clip loads; a manifest file overrides the
    // built-in ViT-B/32 one, exactly as a user's would.
    const models = await dirs.make('orion-embed-clip-');
    await writeSyntheticClip(models, { name: 'clip-vit-b32', dim: 32 });
    const clip = await startEmbedWorker({
      ...env,
      ORION_MODELS_DIR: models,
      // Only the generated CLIP files are in that folder.
      REID_MODEL: 'none',
      LABEL_CHECK_SECOND_LOOK: 'none',
      EMBEDDING_MODEL: 'clip',
      USE_MULTIMODAL_EMBEDDINGS: 'true',
    });
    // The same shard under another video id.
    const from = videoKeys('bottles').shard(0);
    const to = videoKeys('bottles-clip').shard(0);
    for (const k of ['detections', 'crops', 'cropsIndex'] as const)
      await store.put(to[k], await store.get(from[k]));

    const done = await clip.run(job('bottles-clip'));
    expect(done.failedReason).toBeUndefined();
    const result = done.returnvalue as EmbedJobResult;
    expect(result).toMatchObject({
      backend: 'clip',
      model: 'clip-vit-b32',
      dim: 32,
      multimodal: true,
      executionProvider: 'cpu',
    });
    // Every COCO label can be scored by a text prompt: nothing is unverifiable.
    expect(result.verification!.unverifiable).toBe(0);

    const stored = await readShardEmbeddings(store, 'bottles-clip', 0);
    expect(stored.index.matrices.multimodal).toEqual({
      offset: result.count * 32 * 4,
      textWeight: 0.3,
      promptTemplate: 'a photo of a {}.',
    });
    for (let i = 0; i < stored.index.count; i++) {
      const img = stored.row('vision', i);
      const mm = stored.row('multimodal', i);
      expect(dot(mm, mm)).toBeCloseTo(1, 5);
      expect(dot(img, mm)).toBeLessThan(0.9999); // conditioned on the prompt, so not the image alone
      const v = stored.index.observations[i]!.verification;
      expect(v?.status === 'verified' && v.similarity).toEqual(expect.any(Number));
    }
  });
});
