import { describe, expect, it } from 'vitest';
import { rowKey, type EntityRow, type RowFields } from '@orion/entity-index';
import { groupIdentities, inViewTogether, rowsToGroup } from '../src/services/identity-grouping.js';

function unit(dim: number, axis: number, tilt = 0): number[] {
  const v = Array.from({ length: dim }, (_, i) => (i === axis ? 1 : 0.02 * ((i + tilt) % 3)));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function row(
  videoId: string,
  entityId: string,
  span: [number, number],
  extra: Partial<EntityRow> = {},
): EntityRow {
  return {
    tenantId: 'acme',
    videoId,
    runId: 'r1',
    entityId,
    label: 'person',
    firstSeen: span[0],
    lastSeen: span[1],
    observationCount: 5,
    flaggedObservations: 0,
    likelyFalsePositive: false,
    tags: [],
    embeddingModel: 'vision/test',
    vector: unit(8, 7),
    reidModel: null,
    reidVector: null,
    ...extra,
  };
}
const reid = (axis: number, tilt = 0) => ({ reidModel: 'osnet@abc', reidVector: unit(12, axis, tilt) });

describe('identities from entity rows', () => {
  it('groups people across videos by re-id centroid, other classes by the general one', async () => {
    const rows = [
      row('vA', 'e1', [0, 5], reid(0)),
      row('vA', 'e2', [10, 15], reid(3)),
      row('vB', 'e1', [0, 4], reid(0, 1)),
      row('vB', 'e2', [6, 9], reid(3, 2)),
      row('vC', 'e1', [0, 9], reid(8)),
      row('vA', 'e3', [0, 9], { label: 'car', vector: unit(8, 1) }),
      row('vB', 'e3', [0, 9], { label: 'truck', vector: unit(8, 1, 1) }),
      // Another vehicle in two videos: HDBSCAN picks groups among several, never one pair alone.
      row('vC', 'e3', [0, 9], { label: 'bus', vector: unit(8, 4) }),
      row('vD', 'e1', [0, 9], { label: 'bus', vector: unit(8, 4, 1) }),
      // Judged to hold no object: left out.
      row('vC', 'e2', [0, 9], { ...reid(0, 2), likelyFalsePositive: true }),
    ];
    const file = await groupIdentities('acme', rows);
    const groups = file.identities.map((i) => i.appearances.map((a) => `${a.videoId}/${a.entityId}`));
    expect(groups).toEqual(
      expect.arrayContaining([
        ['vA/e1', 'vB/e1'],
        ['vA/e2', 'vB/e2'],
        ['vA/e3', 'vB/e3'],
        ['vC/e3', 'vD/e1'],
      ]),
    );
    expect(groups).toHaveLength(4);
    expect(file.identities.find((i) => i.label === 'person')!.vector).toBe('reid');
    expect(file.identities.find((i) => i.appearances[0]!.label === 'car')!.vector).toBe('general');
    expect(file.counts).toEqual({ entities: 9, identities: 4, acrossVideos: 4, leftOut: 0 });
    expect(file.identities.map((i) => i.id)).toEqual(['i1', 'i2', 'i3', 'i4']);
  });

  it('never puts two entities of one video that are in view together into one identity', async () => {
    // Two look-alikes in view at once in vA, and one of them again in vB.
    const rows = [
      row('vA', 'e1', [0, 10], reid(0)),
      row('vA', 'e2', [5, 12], reid(0, 1)),
      row('vB', 'e1', [0, 3], reid(0, 2)),
      row('vC', 'e1', [0, 3], reid(6)),
      row('vD', 'e1', [0, 3], reid(6, 1)),
    ];
    expect(inViewTogether(rows[0]!, rows[1]!)).toBe(true);
    expect(inViewTogether(rows[0]!, rows[2]!)).toBe(false);
    const file = await groupIdentities('acme', rows);
    const groups = file.identities.map((i) => i.appearances.map((a) => `${a.videoId}/${a.entityId}`));
    for (const keys of groups) expect(keys.includes('vA/e1') && keys.includes('vA/e2')).toBe(false);
    // The look-alikes' cluster was split, not dropped: one of them stays with vB's entity.
    expect(groups.some((keys) => keys.includes('vB/e1') && keys.length === 2)).toBe(true);
    // One video's entities seen one after the other may be one object (it left and came back).
    const later = await groupIdentities('acme', [
      row('vA', 'e1', [0, 4], reid(0)),
      row('vA', 'e2', [6, 9], reid(0, 1)),
      row('vA', 'e3', [10, 12], reid(5)),
      row('vA', 'e4', [14, 16], reid(5, 1)),
    ]);
    expect(later.identities.map((i) => i.appearances.map((a) => a.entityId))).toEqual([
      ['e1', 'e2'],
      ['e3', 'e4'],
    ]);
  });

  it('cuts a pool over maxPool to its best-seen entities and counts the rest as left out', async () => {
    const rows = [
      row('vA', 'e1', [0, 5], { ...reid(0), observationCount: 9 }),
      row('vB', 'e1', [0, 4], { ...reid(0, 1), observationCount: 9 }),
      row('vA', 'e2', [10, 15], { ...reid(3), observationCount: 8 }),
      row('vB', 'e2', [6, 9], { ...reid(3, 2), observationCount: 8 }),
      // Seen least: the two the cut leaves out (each would join a person above).
      row('vC', 'e1', [0, 1], { ...reid(0, 2), observationCount: 1 }),
      row('vC', 'e2', [3, 4], { ...reid(3, 1), observationCount: 2 }),
      // Another family's pool, under the cap: untouched.
      row('vA', 'e3', [0, 9], { label: 'car', vector: unit(8, 1) }),
      row('vB', 'e3', [0, 9], { label: 'car', vector: unit(8, 1, 1) }),
      row('vC', 'e3', [0, 9], { label: 'car', vector: unit(8, 4) }),
      row('vD', 'e3', [0, 9], { label: 'car', vector: unit(8, 4, 1) }),
    ];
    const keys = (file: Awaited<ReturnType<typeof groupIdentities>>) =>
      file.identities.map((i) => i.appearances.map((a) => `${a.videoId}/${a.entityId}`).join(' '));
    const whole = await groupIdentities('acme', rows);
    expect(whole.counts).toMatchObject({ entities: 10, leftOut: 0 });
    expect(keys(whole)).toEqual(expect.arrayContaining(['vA/e1 vB/e1 vC/e1', 'vA/e2 vB/e2 vC/e2']));
    const cut = await groupIdentities('acme', rows, new Date(), 4);
    expect(cut.counts).toMatchObject({ entities: 8, leftOut: 2 });
    expect(keys(cut).sort()).toEqual(['vA/e1 vB/e1', 'vA/e2 vB/e2', 'vA/e3 vB/e3', 'vC/e3 vD/e3']);

    // The worker's way: plan from the fields alone, read the kept rows, group them: the same result.
    const fields: RowFields[] = rows.map(({ vector, reidVector, ...f }) => ({
      ...f,
      hasVector: vector !== null,
      hasReid: reidVector !== null,
    }));
    const plan = rowsToGroup(fields, 4);
    expect(plan.leftOut).toBe(2);
    expect([...plan.keep].sort()).toEqual(
      rows
        .filter((r) => r.videoId !== 'vC' || r.label === 'car')
        .map(rowKey)
        .sort(),
    );
    const read = rows.filter((r) => plan.keep.has(rowKey(r)));
    const planned = await groupIdentities('acme', read, new Date(), 4, plan.leftOut);
    expect(planned.counts).toEqual(cut.counts);
    expect(keys(planned)).toEqual(keys(cut));
  });

  it('has nothing to group in a tenant without entities, or too few to compare', async () => {
    const file = await groupIdentities('acme', []);
    expect(file).toMatchObject({ tenantId: 'acme', identities: [], counts: { entities: 0, identities: 0 } });
    // HDBSCAN never selects the whole pool as one cluster: two or three entities give no identity.
    const two = await groupIdentities('acme', [
      row('vA', 'e1', [0, 4], reid(0)),
      row('vB', 'e1', [0, 4], reid(0, 1)),
    ]);
    expect(two.identities).toEqual([]);
  });
});
