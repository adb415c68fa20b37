import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore, type OrionConfig } from '@orion/shared';
import { startS3Server, tempDirs, type RunningS3 } from '@orion/testkit';
import { EntityIndex, MIN_ANN_ROWS, SCALAR_INDICES, indexLocation, type EntityRow } from '../src/index.js';

const DIM = 16;
const dirs = tempDirs('orion-entity-index-');

/** A unit vector pointing mostly along axis `axis`, with a small deterministic tilt. */
function unit(axis: number, tilt = 0): number[] {
  const v = Array.from({ length: DIM }, (_, i) =>
    i === axis % DIM ? 1 : ((i * 7 + axis * 13 + tilt) % 11) / 100,
  );
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function row(
  videoId: string,
  entityId: string,
  label: string,
  axis: number,
  extra: Partial<EntityRow> = {},
): EntityRow {
  return {
    tenantId: 'acme',
    videoId,
    runId: 'r1',
    entityId,
    label,
    firstSeen: 0,
    lastSeen: 10,
    observationCount: 5,
    flaggedObservations: 0,
    likelyFalsePositive: false,
    tags: [],
    embeddingModel: 'vision/test',
    vector: unit(axis),
    reidModel: null,
    reidVector: null,
    ...extra,
  };
}

type Setup = { name: string; open(): Promise<{ index: EntityIndex; objectsUnder?: () => Promise<number> }> };

let s3: RunningS3 | undefined;
const setups: Setup[] = [
  {
    name: 'filesystem store',
    async open() {
      const root = await dirs.make();
      const config = { storage: { driver: 'fs', root }, s3: { region: 'us-east-1', forcePathStyle: false } };
      return {
        index: await EntityIndex.open({
          location: indexLocation(config as OrionConfig),
          annMinRows: MIN_ANN_ROWS,
        }),
      };
    },
  },
  {
    name: 'S3 (s3rver)',
    async open() {
      s3 ??= await startS3Server();
      const prefix = `p${Math.random().toString(36).slice(2, 8)}/`;
      const s3Settings = {
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: s3.credentials,
      };
      const location = indexLocation({
        storage: { driver: 's3', bucket: s3.bucket, prefix },
        s3: s3Settings,
      });
      const store = new S3ObjectStore({ bucket: s3.bucket, prefix, ...s3Settings });
      const objectsUnder = async () => {
        let n = 0;
        for await (const _ of store.listAll('entity-index/')) n++;
        return n;
      };
      return { index: await EntityIndex.open({ location, annMinRows: MIN_ANN_ROWS }), objectsUnder };
    },
  },
];

afterAll(async () => {
  await s3?.stop();
  await dirs.cleanup();
});

describe.each(setups)('entity index on the $name', (setup) => {
  let index: EntityIndex;
  let objectsUnder: (() => Promise<number>) | undefined;
  beforeAll(async () => {
    ({ index, objectsUnder } = await setup.open());
  });
  afterAll(() => index.close());

  const runA = [row('vA', 'e1', 'person', 0), row('vA', 'e2', 'car', 1), row('vA', 'e3', 'person', 2)];

  it('writes a run, and a repeated write leaves the same rows', async () => {
    await index.replaceVideo('acme', 'vA', runA);
    await index.replaceVideo('acme', 'vA', runA);
    await index.replaceVideo('acme', 'vB', [row('vB', 'e1', 'person', 3, { tags: ['lobby'] })]);
    expect(await index.count('acme')).toBe(4);
    expect(await index.count('acme', { videoIds: ['vA'] })).toBe(3);
    if (objectsUnder) expect(await objectsUnder()).toBeGreaterThan(0); // really in the bucket
  });

  it('finds the nearest entity of the asked label (filter pushed down)', async () => {
    const near = await index.search('acme', { vector: unit(1), filter: { labels: ['person'] }, limit: 10 });
    expect(near.map((h) => h.label)).toEqual(['person', 'person', 'person']);
    const any = await index.search('acme', { vector: unit(1), limit: 1 });
    expect(any[0]).toMatchObject({ videoId: 'vA', entityId: 'e2', label: 'car' });
    expect(any[0]!.distance).toBeLessThan(1e-4);
    const tagged = await index.search('acme', { vector: unit(0), filter: { tags: ['lobby'] } });
    expect(tagged.map((h) => [h.videoId, h.entityId, h.tags])).toEqual([['vB', 'e1', ['lobby']]]);
    const others = await index.search('acme', {
      vector: unit(0),
      filter: { exclude: [{ videoId: 'vA', entityId: 'e1' }], labels: ['person'] },
      limit: 10,
    });
    expect(others.map((h) => `${h.videoId}/${h.entityId}`).sort()).toEqual(['vA/e3', 'vB/e1']);
  });

  it('filters by time span and flags', async () => {
    await index.replaceVideo('acme', 'vC', [
      row('vC', 'e1', 'cup', 6, { firstSeen: 20, lastSeen: 30, flaggedObservations: 2 }),
      row('vC', 'e2', 'cup', 7, { firstSeen: 40, lastSeen: 50 }),
    ]);
    const ids = async (filter: object) =>
      (await index.search('acme', { vector: unit(6), filter: { videoIds: ['vC'], ...filter } }))
        .map((h) => h.entityId)
        .sort();
    expect(await ids({ timeRange: { from: 35 } })).toEqual(['e2']);
    expect(await ids({ timeRange: { from: 25, to: 45 } })).toEqual(['e1', 'e2']);
    expect(await ids({ timeRange: { to: 19 } })).toEqual([]);
    expect(await ids({ flagged: true })).toEqual(['e1']);
    expect(await ids({ flagged: false })).toEqual(['e2']);
    expect(await index.deleteVideo('acme', 'vC')).toBe(2);
  });

  it('keeps vectors of another model out of a search that names its model', async () => {
    const mine = { embeddingModel: 'vision/test' };
    // Every row has the model so far (the condition is dropped): all of them are found.
    expect(await index.search('acme', { vector: unit(1), filter: mine, limit: 10 })).toHaveLength(4);
    await index.replaceVideo('acme', 'vM', [
      row('vM', 'e1', 'car', 1, { embeddingModel: 'clip/other' }),
      row('vM', 'e2', 'car', 1, { embeddingModel: 'vision/test' }),
    ]);
    const hits = await index.search('acme', { vector: unit(1), filter: mine, limit: 10 });
    expect(hits.map((h) => `${h.videoId}/${h.entityId}`)).not.toContain('vM/e1');
    expect(hits.map((h) => h.embeddingModel)).toEqual(Array(5).fill('vision/test'));
    const other = await index.search('acme', { vector: unit(1), filter: { embeddingModel: 'clip/other' } });
    expect(other.map((h) => `${h.videoId}/${h.entityId}`)).toEqual(['vM/e1']);
    expect(await index.deleteVideo('acme', 'vM')).toBe(2);
  });

  it('treats quotes in filter values as text, not SQL', async () => {
    expect(await index.count('acme', { videoIds: ["vA' OR '1'='1"] })).toBe(0);
  });

  it("replaces a video's rows on a recluster", async () => {
    const runB = [row('vA', 'e1', 'dog', 4, { runId: 'r2' }), row('vA', 'e9', 'dog', 5, { runId: 'r2' })];
    await index.replaceVideo('acme', 'vA', runB);
    const rows = await index.search('acme', { filter: { videoIds: ['vA'] }, limit: 10 });
    expect(rows.map((r) => [r.entityId, r.runId, r.label]).sort()).toEqual([
      ['e1', 'r2', 'dog'],
      ['e9', 'r2', 'dog'],
    ]);
    expect(await index.count('acme', { videoIds: ['vB'] })).toBe(1);
  });

  it("removes a deleted video's rows and keeps the others", async () => {
    expect(await index.deleteVideo('acme', 'vA')).toBe(2);
    expect(await index.count('acme')).toBe(1);
    expect(await index.deleteVideo('acme', 'vA')).toBe(0);
    expect(await index.deleteVideo('nobody', 'vA')).toBe(0);
  });

  it('builds the ANN index once the table is large enough, and still finds the nearest', async () => {
    const many = Array.from({ length: MIN_ANN_ROWS + 20 }, (_, i) =>
      row('vMany', `e${i}`, i % 2 ? 'person' : 'bottle', i, { vector: unit(i, i) }),
    );
    expect((await index.stats('acme')).annIndex).toBe(false);
    expect(await index.indices('acme')).toEqual([]);
    await index.replaceVideo('acme', 'vMany', many);
    const stats = await index.stats('acme');
    expect(stats).toMatchObject({ rows: MIN_ANN_ROWS + 21, annIndex: true });
    expect((await index.indices('acme')).sort()).toEqual(
      // No row has a re-id vector: the table has no re-id columns to index.
      ['vector_idx', ...SCALAR_INDICES.filter((s) => s.column !== 'reidModel').map((s) => s.name)].sort(),
    );
    // The scalar indices answer the filters as the scan did, rows written after them included.
    await index.replaceVideo('acme', 'vLate', [row('vLate', 'e1', 'bottle', 3, { vector: unit(3) })]);
    expect(await index.count('acme', { videoIds: ['vMany'] })).toBe(MIN_ANN_ROWS + 20);
    expect(await index.count('acme', { labels: ['bottle'], videoIds: ['vMany', 'vLate'] })).toBe(
      (MIN_ANN_ROWS + 20) / 2 + 1,
    );
    const late = await index.search('acme', { vector: unit(3), filter: { videoIds: ['vLate'] } });
    expect(late.map((h) => h.entityId)).toEqual(['e1']);
    const hit = await index.search('acme', {
      vector: many[37]!.vector!,
      filter: { labels: ['person'] },
      limit: 5,
    });
    expect(hit.every((h) => h.label === 'person')).toBe(true);
    expect(hit.map((h) => h.entityId)).toContain('e37');
  });

  it("defers the ANN index over a rebuild's writes, then trains it once on every row", async () => {
    const half = MIN_ANN_ROWS / 2 + 10;
    const video = (v: string, from: number) =>
      Array.from({ length: half }, (_, i) =>
        row(v, `e${i}`, 'bottle', from + i, { tenantId: 'grow', vector: unit(from + i, from + i) }),
      );
    await index.replaceVideo('grow', 'v1', video('v1', 0), { deferAnn: true });
    expect(await index.trainAnnIndices('grow')).toEqual([]); // fewer than annMinRows vectors
    await index.replaceVideo('grow', 'v2', video('v2', half), { deferAnn: true });
    await index.replaceVideo('grow', 'v3', video('v3', 2 * half), { deferAnn: true });
    expect(await index.indices('grow')).not.toContain('vector_idx'); // 3 × half ≥ annMinRows, deferred
    expect(await index.trainAnnIndices('grow')).toEqual(['vector_idx']);
    expect(await index.trainAnnIndices('grow')).toEqual(['vector_idx']); // trained again, replaced
    expect((await index.indices('grow')).filter((n) => n === 'vector_idx')).toHaveLength(1);
    expect(await index.stats('grow')).toEqual({ rows: 3 * half, vectors: 3 * half, annIndex: true });
    // The trained index ranks as the exact scan does (test vectors repeat: compare distances).
    for (const i of [5, 2 * half + 7]) {
      const ann = await index.search('grow', { vector: unit(i, i), limit: 3 });
      const exact = await index.search('grow', { vector: unit(i, i), limit: 3, exact: true });
      expect(ann.map((h) => h.distance?.toFixed(4))).toEqual(exact.map((h) => h.distance?.toFixed(4)));
      expect(ann[0]?.distance).toBeCloseTo(0, 4);
    }
  });

  it('refuses rows of another video and invalid tenant ids', async () => {
    await expect(index.replaceVideo('acme', 'vX', [row('vY', 'e1', 'person', 0)])).rejects.toThrow(
      /not acme\/vX/,
    );
    expect(() => index.tableName('../x')).toThrow(/invalid tenant/);
  });

  it("creates a tenant's table from rows without vectors when told the width, and finds them by filter", async () => {
    const bare = [row('vN', 'e1', 'cup', 0, { tenantId: 'newco', vector: null })];
    await expect(index.replaceVideo('newco', 'vN', bare)).rejects.toThrow(/need a vector/);
    await index.replaceVideo('newco', 'vN', bare, { dim: DIM });
    expect(await index.stats('newco')).toEqual({ rows: 1, vectors: 0, annIndex: false });
    expect((await index.search('newco', { filter: { labels: ['cup'] } })).map((h) => h.entityId)).toEqual([
      'e1',
    ]);
    expect(await index.search('newco', { vector: unit(0) })).toEqual([]);
  });
});
