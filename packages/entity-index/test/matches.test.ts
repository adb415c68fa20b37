import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '@orion/testkit';
import {
  EntityIndex,
  MIN_ANN_ROWS,
  REID_INDEX,
  findMatches,
  labelFamily,
  scoreOfDistance,
  readEntityRow,
  readTenantFields,
  readTenantRows,
  readTenantRowsKept,
  rowKey,
  type EntityRow,
} from '../src/index.js';

const dirs = tempDirs('orion-entity-matches-');

function unit(dim: number, axis: number, tilt = 0): number[] {
  const v = Array.from({ length: dim }, (_, i) =>
    i === axis % dim ? 1 : ((i * 5 + axis * 3 + tilt) % 7) / 50,
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
    lastSeen: 5,
    observationCount: 4,
    flaggedObservations: 0,
    likelyFalsePositive: false,
    tags: [],
    embeddingModel: 'vision/test',
    vector: unit(8, axis),
    reidModel: null,
    reidVector: null,
    ...extra,
  };
}

const reid = (axis: number, tilt = 0) => ({ reidModel: 'osnet@abc', reidVector: unit(6, axis, tilt) });

let index: EntityIndex;
beforeAll(async () => {
  index = await EntityIndex.open({ location: { uri: await dirs.make() }, annMinRows: MIN_ANN_ROWS });
});
afterAll(async () => {
  index.close();
  await dirs.cleanup();
});

describe('re-id columns and matches', () => {
  it('keeps a table made without re-id columns, and adds them with the first re-id vector', async () => {
    // A table as item 1 made it: no row had a re-id vector, so no re-id columns.
    await index.replaceVideo('acme', 'vOld', [row('vOld', 'e1', 'person', 0)]);
    const table = (await index.readTable('acme'))!;
    expect((await table.schema()).fields.map((f) => f.name)).not.toContain('reidVector');
    expect((await readTenantRows(index, 'acme'))[0]).toMatchObject({ entityId: 'e1', reidVector: null });

    await index.replaceVideo('acme', 'vA', [
      row('vA', 'e1', 'person', 0, { ...reid(0) }),
      row('vA', 'e2', 'person', 1, { ...reid(3) }),
      row('vA', 'e3', 'truck', 4),
    ]);
    await index.replaceVideo('acme', 'vB', [
      // The same person as vA/e1 by re-id, though its general embedding points elsewhere.
      row('vB', 'e1', 'person', 1, { ...reid(0, 1) }),
      row('vB', 'e2', 'person', 0, { ...reid(3, 2) }),
      row('vB', 'e3', 'car', 4, { vector: unit(8, 4, 1) }),
      row('vB', 'e4', 'dog', 4),
    ]);
    const fields = (await (await index.readTable('acme'))!.schema()).fields.map((f) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['reidModel', 'reidVector']));
    const stored = await readEntityRow(index, 'acme', 'vA', 'e1');
    expect(stored?.reidModel).toBe('osnet@abc');
    expect(stored?.reidVector?.length).toBe(6);
    expect((await readEntityRow(index, 'acme', 'vOld', 'e1'))?.reidVector).toBeNull();
    expect(await index.count('acme')).toBe(8);
  });

  it("reads a tenant's fields without vectors, then only the rows asked for with theirs", async () => {
    const fields = await readTenantFields(index, 'acme');
    expect(fields).toHaveLength(8);
    for (const f of fields) expect(f).not.toHaveProperty('vector');
    const byKey = new Map(fields.map((f) => [rowKey(f), f]));
    expect(byKey.get(rowKey({ videoId: 'vA', entityId: 'e1' }))).toMatchObject({
      label: 'person',
      reidModel: 'osnet@abc',
      hasVector: true,
      hasReid: true,
    });
    expect(byKey.get(rowKey({ videoId: 'vB', entityId: 'e3' }))).toMatchObject({
      hasReid: false,
      reidModel: null,
    });

    const keep = new Set([
      rowKey({ videoId: 'vA', entityId: 'e1' }),
      rowKey({ videoId: 'vB', entityId: 'e3' }),
    ]);
    const kept = await readTenantRowsKept(index, 'acme', keep);
    expect(kept.map(rowKey).sort()).toEqual([...keep].sort());
    const all = await readTenantRows(index, 'acme');
    for (const row of kept) {
      // The same row, its vectors as float32 copies of what is stored.
      const { vector, reidVector, ...fields } = row;
      const {
        vector: wholeVector,
        reidVector: wholeReid,
        ...wholeFields
      } = all.find((r) => rowKey(r) === rowKey(row))!;
      expect(fields).toEqual(wholeFields);
      expect(vector && Array.from(vector)).toEqual(wholeVector);
      expect(reidVector && Array.from(reidVector)).toEqual(wholeReid);
      if (vector) expect(vector).toBeInstanceOf(Float32Array);
    }
    expect(kept.find((r) => r.videoId === 'vA')!.reidVector).toHaveLength(6);
    expect(await readTenantRowsKept(index, 'acme')).toHaveLength(8);
    expect(await readTenantFields(index, 'nobody')).toEqual([]);
  });

  it('ranks people of other videos by re-id centroid, other labels by the general one in their family', async () => {
    const person = (await readEntityRow(index, 'acme', 'vA', 'e1'))!;
    const found = await findMatches(index, person, { limit: 10, minScore: 0 });
    expect(found.map((m) => `${m.row.videoId}/${m.row.entityId}`)).toEqual(['vB/e1', 'vB/e2']);
    for (const m of found) {
      expect(m.evidence).toMatchObject({ vector: 'reid', model: 'osnet@abc' });
      expect(m.score).toBeCloseTo(1 - m.evidence.distance / 2, 6);
    }
    expect(found[0]!.score).toBeGreaterThan(0.95);

    const truck = (await readEntityRow(index, 'acme', 'vA', 'e3'))!;
    const vehicles = await findMatches(index, truck, { limit: 10, minScore: 0 });
    expect(vehicles.map((m) => `${m.row.videoId}/${m.row.entityId}`)).toEqual(['vB/e3']);
    expect(vehicles[0]!.evidence.vector).toBe('general');

    expect(await findMatches(index, person, { limit: 10, minScore: found[0]!.score + 1e-6 })).toEqual([]);
    expect(await findMatches(index, person, { limit: 1, minScore: 0 })).toHaveLength(1);
  });

  it('builds an ANN index on the re-id column of a large table and still ranks matches as an exact search', async () => {
    // 30 people, each seen in several of 12 videos: re-id centroids of one person lie close together.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const people = Array.from({ length: 30 }, () => Array.from({ length: 32 }, rand));
    const normed = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    const byVideo = new Map<string, EntityRow[]>();
    for (let i = 0; i < MIN_ANN_ROWS + 40; i++) {
      const videoId = `v${i % 12}`;
      const person = people[i % 30]!;
      const r = row(videoId, `e${i}`, 'person', i % 8, {
        tenantId: 'crowd',
        reidModel: 'osnet@abc',
        reidVector: normed(person.map((x) => x + 0.3 * rand())),
      });
      byVideo.set(videoId, [...(byVideo.get(videoId) ?? []), r]);
    }
    // A table with enough rows but few re-id vectors gets the general index only.
    const bottles = Array.from({ length: MIN_ANN_ROWS }, (_, i) =>
      row('vBottles', `b${i}`, 'bottle', i % 8, { tenantId: 'crowd' }),
    );
    const twoPeople = [0, 1].map((k) =>
      row('vBottles', `p${k}`, 'person', k, {
        tenantId: 'crowd',
        reidModel: 'osnet@abc',
        reidVector: normed(people[k]!.map((x) => x + 0.3 * rand())),
      }),
    );
    await index.replaceVideo('crowd', 'vBottles', [...bottles, ...twoPeople]);
    expect(await index.indices('crowd')).toContain('vector_idx');
    expect(await index.indices('crowd')).not.toContain(REID_INDEX);
    expect(await index.indices('crowd')).toContain('reidModel_idx'); // the people's model, filtered on

    for (const [videoId, rows] of byVideo) await index.replaceVideo('crowd', videoId, rows);
    expect(await index.indices('crowd')).toContain(REID_INDEX);

    const all = [...twoPeople, ...byVideo.values()].flat();
    const cosine = (a: number[], b: number[]) => 1 - a.reduce((s, x, k) => s + x * b[k]!, 0);
    for (const probe of [all[0]!, all[77]!, all[250]!]) {
      const entity = (await readEntityRow(index, 'crowd', probe.videoId, probe.entityId))!;
      const found = await findMatches(index, entity, { limit: 5, minScore: 0 });
      const exact = all
        .filter((r) => r.videoId !== probe.videoId)
        .map((r) => ({ id: `${r.videoId}/${r.entityId}`, d: cosine(entity.reidVector!, r.reidVector!) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 5);
      expect(found.map((m) => `${m.row.videoId}/${m.row.entityId}`)).toEqual(exact.map((e) => e.id));
      found.forEach((m, k) => expect(m.evidence.distance).toBeCloseTo(exact[k]!.d, 4));
    }
  });

  it('scores and families', () => {
    expect([scoreOfDistance(0), scoreOfDistance(1), scoreOfDistance(2)]).toEqual([1, 0.5, 0]);
    expect(labelFamily('truck')).toEqual(['car', 'truck', 'bus']);
    expect(labelFamily('person')).toEqual(['person']);
  });
});
