import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '@orion/testkit';
import {
  EntityIndex,
  MIN_ANN_ROWS,
  findMatches,
  labelFamily,
  scoreOfDistance,
  readEntityRow,
  readTenantRows,
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

  it('scores and families', () => {
    expect([scoreOfDistance(0), scoreOfDistance(1), scoreOfDistance(2)]).toEqual([1, 0.5, 0]);
    expect(labelFamily('truck')).toEqual(['car', 'truck', 'bus']);
    expect(labelFamily('person')).toEqual(['person']);
  });
});
