import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ReidEmbedder, dot } from '@orion/embeddings';
import {
  QueueName,
  boxInCrop,
  readShardCrops,
  readShardDetections,
  readShardEmbeddings,
  readShardReid,
  type CropEntry,
  type EmbedJobData,
  type EmbedJobResult,
  videoKeys,
} from '@orion/shared';
import { TestWorkers, modelPath } from '@orion/testkit';
import { detectVideoShard, storeFor, testEnv } from './support.js';

// Re-id vectors beside the embeddings, through the embed worker on the real queue and store: the bus
// zoom video has a bus and four people, so one shard holds crops of both kinds.

const env = testEnv();
const { store } = storeFor(env);
const workers = new TestWorkers(inject('redisUrl'), 'embed-reid-test');
const shard = { index: 0, count: 1, startSeconds: 0, endSeconds: 3 };
const job = (videoId: string): EmbedJobData => ({ videoId, tenantId: 'acme', shard });
const start = (workerEnv: Record<string, string>) =>
  workers.start({
    queue: QueueName.embed,
    processor: new URL('../src/processor.ts', import.meta.url),
    concurrency: 1,
    env: workerEnv,
  });

beforeAll(async () => {
  await detectVideoShard(store, 'bus', 'bus_zoompan_6s_540x720.mp4', shard, 2);
  const from = videoKeys('bus').shard(0);
  const to = videoKeys('bus-noreid').shard(0);
  for (const k of ['detections', 'crops', 'cropsIndex'] as const)
    await store.put(to[k], await store.get(from[k]));
}, 120_000);

afterAll(async () => {
  await workers.close();
  await store.deletePrefix('videos/');
  await store.close();
});

describe('re-id vectors in the embed stage', () => {
  it('stores a unit 512-d re-id vector for every person crop and for no other', async () => {
    const worker = await start(env);
    const done = await worker.run(job('bus'));
    expect(done.failedReason).toBeUndefined();
    const result = done.returnvalue as EmbedJobResult;
    const { detections } = await readShardDetections(store, 'bus', 0);
    const labels = detections.map((d) => d.label);
    const people = labels.flatMap((l, i) => (l === 'person' ? [i] : []));
    expect(people.length).toBeGreaterThan(5);
    expect(labels.some((l) => l !== 'person')).toBe(true);

    expect(result.reid).toEqual({
      model: 'osnet_x0_25_msmt17',
      executionProvider: 'cpu',
      dim: 512,
      crops: people.length,
      classes: ['person'],
    });
    expect(result.timings.reidMs).toBeGreaterThan(0);

    const stored = await readShardEmbeddings(store, 'bus', 0);
    expect(stored.index.version).toBe(2);
    const reid = (await readShardReid(store, 'bus', 0))!;
    expect(reid.model).toMatchObject({ name: 'osnet_x0_25_msmt17', executionProvider: 'cpu' });
    expect(reid.model.sha256).toMatch(/^61b2604171ef/);
    // Observations are in crop order, which is detection order here.
    expect(stored.index.observations.map((o) => o.label)).toEqual(labels);
    expect(reid.rows).toEqual(people);
    stored.index.observations.forEach((o, i) => {
      const v = reid.vector(i);
      if (o.label !== 'person') return expect(v).toBeUndefined();
      expect(v).toHaveLength(512);
      expect(dot(v!, v!)).toBeCloseTo(1, 4);
    });
    // Row i is crop i's own vector, across batch boundaries: embed the first and last people here.
    const { crops } = await readShardCrops(store, 'bus', 0);
    const direct = await ReidEmbedder.load({
      modelsDir: modelPath(),
      executionProvider: 'cpu',
      batchSize: 4,
    });
    try {
      for (const i of [people[0]!, people.at(-1)!]) {
        const c = crops[i]!;
        const [v] = await direct.embed([{ image: c.jpeg, box: boxInCrop(c.entry, detections[i]!.box) }]);
        expect(dot(v!, reid.vector(i)!)).toBeCloseTo(1, 4);
      }
    } finally {
      await direct.close();
    }
    // The general embedding is unchanged in kind: one 1280-d row per crop.
    expect(stored.matrix('vision')).toHaveLength(labels.length * 1280);
  });

  it('with REID_MODEL=none stores no re-id vectors and reports none', async () => {
    const worker = await start({ ...env, REID_MODEL: 'none' });
    const done = await worker.run(job('bus-noreid'));
    expect(done.failedReason).toBeUndefined();
    const result = done.returnvalue as EmbedJobResult;
    expect(result.reid).toBeUndefined();
    expect(result.timings.reidMs).toBeUndefined();
    const stored = await readShardEmbeddings(store, 'bus-noreid', 0);
    expect(stored.index.reid).toBeUndefined();
    expect(await readShardReid(store, 'bus-noreid', 0)).toBeNull();
    // The general embeddings are the same bytes as with re-id on.
    const withReid = await readShardEmbeddings(store, 'bus', 0);
    expect(
      Buffer.from(stored.matrix('vision').buffer).equals(Buffer.from(withReid.matrix('vision').buffer)),
    ).toBe(true);
  });

  it('maps a detection box into its stored crop, scaled and offset by the margin', async () => {
    const entry = (width: number, height: number): CropEntry => ({
      detection: 0,
      frame: 0,
      offset: 0,
      length: 1,
      width,
      height,
      region: [100, 50, 120, 240],
    });
    expect(boxInCrop(entry(120, 240), [110, 70, 210, 270])).toEqual([10, 20, 110, 220]);
    expect(boxInCrop(entry(60, 120), [110, 70, 210, 270])).toEqual([5, 10, 55, 110]);
    // On the real shard: every person box lies inside its crop.
    const { crops } = await readShardCrops(store, 'bus', 0);
    const { detections } = await readShardDetections(store, 'bus', 0);
    for (const c of crops) {
      const [x1, y1, x2, y2] = boxInCrop(c.entry, detections[c.entry.detection]!.box);
      expect(x1).toBeGreaterThanOrEqual(-0.5);
      expect(y1).toBeGreaterThanOrEqual(-0.5);
      expect(x2).toBeLessThanOrEqual(c.entry.width + 0.5);
      expect(y2).toBeLessThanOrEqual(c.entry.height + 0.5);
      expect(x2 - x1).toBeGreaterThan(c.entry.width * 0.7);
    }
  });
});
