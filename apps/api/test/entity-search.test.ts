import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ENTITIES_FORMAT,
  FsObjectStore,
  RESULTS_VERSION,
  VideoRepository,
  createLogger,
  createRedisConnection,
  encodeCentroids,
  loadConfig,
  videoKeys,
  type EntitiesFile,
} from '@orion/shared';
import { createEmbeddingModel, type EmbeddingModel } from '@orion/embeddings';
import { STAND_IN_RUN_PARAMS, completedVideoRecord, writeSyntheticClip } from '@orion/testkit';
import { EntitySearch, labelsInText } from '../src/services/entity-search.js';

// The clip text path of search, on a small generated image–text model (no CLIP weights exist here):
// its "colour" image tower puts red, green and blue images where the words red, green and blue land.

let dir: string;
let model: EmbeddingModel;
const redis = createRedisConnection(inject('redisUrl'));
const prefix = `search-${randomUUID().slice(0, 8)}`;

const solid = (r: number, g: number, b: number) =>
  sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orion-search-'));
  await writeSyntheticClip(join(dir, 'models'), { name: 'tiny-clip', dim: 24 });
  model = await createEmbeddingModel({
    backend: 'clip',
    model: 'tiny-clip',
    modelsDir: join(dir, 'models'),
    executionProvider: 'cpu',
  });
});
afterAll(async () => {
  await model?.close();
  await redis.quit();
  await rm(dir, { recursive: true, force: true });
});

async function storeVideo(store: FsObjectStore, videos: VideoRepository, colours: [string, Buffer][]) {
  const id = randomUUID();
  const record = completedVideoRecord({
    id,
    tenantId: 'acme',
    durationSeconds: 1,
    width: 32,
    height: 32,
    fps: 1,
    plan: { shardSeconds: 10, targetFps: 1, shardCount: 1 },
  });
  await videos.create(record);
  const centroids = await Promise.all(colours.map(([, png]) => model.encodeImage(png)));
  const file: EntitiesFile = {
    format: ENTITIES_FORMAT,
    version: RESULTS_VERSION,
    videoId: id,
    runId: 'r1',
    createdAt: record.createdAt,
    params: STAND_IN_RUN_PARAMS,
    embeddingModel: { backend: 'clip', name: 'tiny-clip', dim: model.embeddingDim },
    counts: {
      observations: colours.length,
      entities: colours.length,
      tracklets: 0,
      unassigned: 0,
      flaggedObservations: 0,
      likelyFalsePositives: 0,
    },
    timings: {},
    entities: colours.map(([name], i) => ({
      id: `e${i + 1}`,
      label: `${name} thing`,
      classDistribution: { [`${name} thing`]: 1 },
      observationCount: 1,
      trackletCount: 0,
      firstSeen: 0,
      lastSeen: 0,
      representative: `0:${i}`,
      meanProbability: 1,
      flaggedObservations: 0,
      likelyFalsePositive: false,
      centroidRow: i,
    })),
  };
  await store.put(videoKeys(id).run('r1').entities, JSON.stringify(file));
  await store.put(videoKeys(id).run('r1').centroids, encodeCentroids(centroids));
  return id;
}

describe('entity search', () => {
  it('ranks entities by the text embedding with the clip backend', async () => {
    const store = new FsObjectStore(join(dir, 'data'));
    const videos = new VideoRepository(redis, prefix);
    const config = loadConfig({
      EMBEDDING_MODEL: 'clip',
      CLIP_MODEL: 'tiny-clip',
      ORION_MODELS_DIR: join(dir, 'models'),
    });
    const id = await storeVideo(store, videos, [
      ['red', await solid(230, 20, 20)],
      ['green', await solid(20, 220, 30)],
      ['blue', await solid(25, 30, 230)],
    ]);
    const search = new EntitySearch({
      store,
      videos,
      config,
      logger: createLogger({ name: 't', level: 'silent' }),
    });
    for (const colour of ['red', 'green', 'blue']) {
      const res = await search.search('acme', { text: colour });
      expect(res.method).toBe('clip-text');
      expect(res.results[0]).toMatchObject({ videoId: id, label: `${colour} thing` });
    }
    // Other tenants' videos are not searched.
    expect((await search.search('globex', { text: 'red' })).results).toEqual([]);
  });

  it('finds the COCO labels a query names, longest first, plurals too', () => {
    expect(labelsInText('a red bottle')).toEqual(['bottle']);
    expect(labelsInText('two people with cell phones')).toEqual(['cell phone']);
    expect(labelsInText('Buses and a traffic light!')).toEqual(['traffic light', 'bus']);
    expect(labelsInText('something shiny')).toEqual([]);
  });
});
