import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@orion/shared';
import type { EntityRow } from '@orion/entity-index';
import { createEmbeddingModel, type EmbeddingModel } from '@orion/embeddings';
import { TEST_API_KEYS, completedVideoRecord, writeSyntheticClip } from '@orion/testkit';
import { EntitySearch, labelsInText } from '../src/services/entity-search.js';
import { startApi, type ApiHarness } from './harness.js';

// Search on the real entity index (LanceDB under the test's store), with the clip backend on a small
// generated image–text model (no CLIP weights exist here): its "colour" image tower puts red, green
// and blue images where the words red, green and blue land. Two videos of one tenant, one of another.

const solid = (r: number, g: number, b: number) =>
  sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
const COLOURS = { red: [230, 20, 20], green: [20, 220, 30], blue: [25, 30, 230] } as const;
type Colour = keyof typeof COLOURS;

let dir: string;
let model: EmbeddingModel;
const png = {} as Record<Colour, Buffer>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orion-search-'));
  await writeSyntheticClip(join(dir, 'models'), { name: 'tiny-clip', dim: 24 });
  model = await createEmbeddingModel({
    backend: 'clip',
    model: 'tiny-clip',
    modelsDir: join(dir, 'models'),
    executionProvider: 'cpu',
  });
  for (const [name, [r, g, b]] of Object.entries(COLOURS)) png[name as Colour] = await solid(r, g, b);
});
afterAll(async () => {
  await model?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Seeded {
  colour: Colour;
  label: string;
  firstSeen?: number;
  lastSeen?: number;
  flagged?: number;
  likelyFalsePositive?: boolean;
}

describe.each(['fs', 's3'] as const)('POST /v1/search on the entity index (%s store)', (storage) => {
  let api: ApiHarness;
  const ids = { a: randomUUID(), b: randomUUID(), other: randomUUID() };
  const json = { 'content-type': 'application/json' };

  async function seed(videoId: string, tenantId: string, tags: string[], entities: Seeded[]) {
    await api.deps.videos.create({
      ...completedVideoRecord({
        id: videoId,
        tenantId,
        durationSeconds: 60,
        width: 32,
        height: 32,
        fps: 1,
        plan: { shardSeconds: 10, targetFps: 1, shardCount: 6 },
      }),
      tags,
    });
    const rows: EntityRow[] = await Promise.all(
      entities.map(async (e, i) => ({
        tenantId,
        videoId,
        runId: 'r1',
        entityId: `e${i + 1}`,
        label: e.label,
        firstSeen: e.firstSeen ?? 0,
        lastSeen: e.lastSeen ?? 10,
        observationCount: 3,
        flaggedObservations: e.flagged ?? 0,
        likelyFalsePositive: e.likelyFalsePositive ?? false,
        tags,
        embeddingModel: `clip/${model.name}`,
        vector: Array.from(await model.encodeImage(png[e.colour])),
        reidModel: null,
        reidVector: null,
      })),
    );
    await api.deps.entityIndex.replaceVideo(tenantId, videoId, rows);
  }

  beforeAll(async () => {
    api = await startApi({
      storage,
      env: { EMBEDDING_MODEL: 'clip', CLIP_MODEL: 'tiny-clip', ORION_MODELS_DIR: join(dir, 'models') },
    });
    await seed(
      ids.a,
      'acme',
      ['day'],
      [
        { colour: 'red', label: 'bottle', firstSeen: 0, lastSeen: 5 },
        { colour: 'green', label: 'cup', firstSeen: 10, lastSeen: 20 },
        { colour: 'blue', label: 'bottle', firstSeen: 30, lastSeen: 40 },
      ],
    );
    await seed(
      ids.b,
      'acme',
      ['night'],
      [
        { colour: 'red', label: 'cup', firstSeen: 50, lastSeen: 55 },
        { colour: 'blue', label: 'bottle', flagged: 2 },
        { colour: 'green', label: 'bottle', likelyFalsePositive: true },
      ],
    );
    await seed(ids.other, 'globex', [], [{ colour: 'red', label: 'bottle' }]);
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = async (body: unknown) => {
    const res = await api.request('/v1/search', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const keys = (results: { videoId: string; entityId: string }[]) =>
    results.map((r) => `${r.videoId === ids.a ? 'a' : r.videoId === ids.b ? 'b' : 'other'}/${r.entityId}`);

  it('ranks the entities of all of the tenant’s videos by a text embedding', async () => {
    const res = await post({ text: 'red' });
    expect(res.status).toBe(200);
    expect(res.body.method).toBe('clip-text');
    // The red entities of both videos first; the other tenant's red one never.
    expect(keys(res.body.results.slice(0, 2)).sort()).toEqual(['a/e1', 'b/e1']);
    expect(res.body.results).toHaveLength(6);
    const scores = res.body.results.map((r: { score: number }) => r.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(scores.every((s: number) => s >= 0 && s <= 1)).toBe(true);
    expect(res.body.results[0].thumbnailUrl).toMatch(/^\/v1\/videos\/.+\/entities\/e1\/thumbnail$/);
  });

  it('pushes the filters down: labels, videos, tags, time range, flagged, likely false positive', async () => {
    expect(keys((await post({ text: 'red', labels: ['cup'] })).body.results)).toEqual(['b/e1', 'a/e2']);
    const inA = keys((await post({ text: 'red', videoIds: [ids.a] })).body.results);
    expect([...inA].sort()).toEqual(['a/e1', 'a/e2', 'a/e3']);
    expect(inA[0]).toBe('a/e1');
    expect(keys((await post({ text: 'blue', tags: ['night'] })).body.results).sort()).toEqual([
      'b/e1',
      'b/e2',
      'b/e3',
    ]);
    // In view during [12, 35] s: a/e2 (10–20) and a/e3 (30–40) only.
    expect(keys((await post({ text: 'green', from: 12, to: 35 })).body.results).sort()).toEqual([
      'a/e2',
      'a/e3',
    ]);
    expect(keys((await post({ text: 'blue', flagged: true })).body.results)).toEqual(['b/e2']);
    expect(keys((await post({ text: 'green', likelyFalsePositive: false })).body.results)).not.toContain(
      'b/e3',
    );
    expect(keys((await post({ text: 'green', likelyFalsePositive: true })).body.results)).toEqual(['b/e3']);
  });

  it('searches by label across videos (score 1), with paging', async () => {
    const all = await post({ label: 'bottle' });
    expect(all.body.method).toBe('label');
    expect(keys(all.body.results).sort()).toEqual(['a/e1', 'a/e3', 'b/e2', 'b/e3']);
    expect(all.body.results.every((r: { score: number }) => r.score === 1)).toBe(true);
    const first = await post({ label: 'bottle', limit: 3 });
    expect(first.body.results).toHaveLength(3);
    expect(first.body.nextOffset).toBe(3);
    const second = await post({ label: 'bottle', limit: 3, offset: 3 });
    expect(second.body.results).toHaveLength(1);
    expect(second.body.nextOffset).toBeUndefined();
    expect([...keys(first.body.results), ...keys(second.body.results)].sort()).toEqual(
      keys(all.body.results).sort(),
    );
    // Paging a vector search: pages follow the full ranking.
    const ranked = keys((await post({ text: 'red' })).body.results);
    const p1 = await post({ text: 'red', limit: 2 });
    const p2 = await post({ text: 'red', limit: 2, offset: p1.body.nextOffset });
    expect([...keys(p1.body.results), ...keys(p2.body.results)]).toEqual(ranked.slice(0, 4));
  });

  it('searches by an entity: its nearest entities in other videos, itself left out', async () => {
    const res = await post({ entity: { videoId: ids.a, entityId: 'e1' } });
    expect(res.status).toBe(200);
    expect(res.body.method).toBe('entity-centroid');
    expect(keys(res.body.results)[0]).toBe('b/e1');
    expect(keys(res.body.results)).not.toContain('a/e1');
    const unknown = await post({ entity: { videoId: ids.a, entityId: 'e99' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/e99/);
    // Another tenant's video is not found either.
    expect((await post({ entity: { videoId: ids.other, entityId: 'e1' } })).status).toBe(404);
  });

  it('searches by an uploaded image, embedded like a crop, with filters in the query field', async () => {
    const form = (image: Buffer | undefined, query?: unknown) => {
      const f = new FormData();
      if (image) f.append('image', new Blob([image], { type: 'image/png' }), 'crop.png');
      if (query !== undefined) f.append('query', JSON.stringify(query));
      return api.request('/v1/search', { method: 'POST', body: f });
    };
    const res = await form(png.blue);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.method).toBe('image');
    expect(keys(body.results.slice(0, 2)).sort()).toEqual(['a/e3', 'b/e2']);
    const filtered = await (await form(png.blue, { videoIds: [ids.b], limit: 1 })).json();
    expect(keys(filtered.results)).toEqual(['b/e2']);
    expect(filtered.nextOffset).toBe(1);

    const missing = await form(undefined, { limit: 1 });
    expect(missing.status).toBe(400);
    expect((await missing.json()).message).toMatch(/image/);
    const badQuery = await form(png.blue, { limit: 0, colour: 'red' });
    expect(badQuery.status).toBe(400);
    expect((await badQuery.json()).message).toMatch(/query/);
    const notImage = await form(Buffer.from('not an image'));
    expect(notImage.status).toBe(400);
    expect((await notImage.json()).message).toMatch(/image/);
  });

  it('cuts at minScore: every hit at or above it, and no next page after the cut', async () => {
    const ranked = (await post({ text: 'red' })).body.results as { score: number }[];
    const cut = (ranked[1]!.score + ranked[2]!.score) / 2;
    const res = await post({ text: 'red', minScore: cut });
    expect(res.body.results).toHaveLength(2);
    expect(res.body.results.every((r: { score: number }) => r.score >= cut)).toBe(true);
    expect(res.body.nextOffset).toBeUndefined();
  });

  it('refuses bad searches with a 4xx naming the problem', async () => {
    const both = await post({ text: 'red', label: 'cup' });
    expect(both.status).toBe(400);
    expect(both.body.message).toMatch(/text and label/);
    expect((await post({ labels: ['cup'] })).status).toBe(400);
    const range = await post({ label: 'cup', from: 20, to: 10 });
    expect(range.status).toBe(400);
    expect(range.body.message).toMatch(/from/);
    const score = await post({ label: 'cup', minScore: 2 });
    expect(score.status).toBe(400);
    expect(score.body.message).toMatch(/minScore/);
    expect((await post({ label: 'cup', videoIds: [randomUUID()] })).status).toBe(404);
    const text = await api.request('/v1/search', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'red',
    });
    expect(text.status).toBe(415);
    // The other tenant sees only its own video.
    const globex = await api.request('/v1/search', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ label: 'bottle' }),
      key: TEST_API_KEYS.globex,
    });
    expect(keys((await globex.json()).results)).toEqual(['other/e1']);
  });

  it('answers text with the vision backend through the COCO labels it names, and 400 when none', async () => {
    const vision = new EntitySearch({
      entityIndex: api.deps.entityIndex,
      videos: api.deps.videos,
      config: loadConfig({ EMBEDDING_MODEL: 'vision' }),
      logger: createLogger({ name: 't', level: 'silent' }),
    });
    const res = await vision.search('acme', { text: 'two cups on a table' });
    expect(res.method).toBe('label-match');
    expect(res.labels).toEqual(['cup']);
    expect(keys(res.results).sort()).toEqual(['a/e2', 'b/e1']);
    await expect(vision.search('acme', { text: 'something shiny' })).rejects.toThrow(/clip.*names none/);
  });
});

describe('labelsInText', () => {
  it('finds the COCO labels a query names, longest first, plurals too', () => {
    expect(labelsInText('a red bottle')).toEqual(['bottle']);
    expect(labelsInText('two people with cell phones')).toEqual(['cell phone']);
    expect(labelsInText('Buses and a traffic light!')).toEqual(['traffic light', 'bus']);
    expect(labelsInText('something shiny')).toEqual([]);
  });
});
