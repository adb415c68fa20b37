import { describe, expect, it } from 'vitest';
import type { Detection } from '@orion/shared';
import { associate } from '../src/associate.js';
import { cutByCompleteLinkage } from '../src/complete-linkage.js';
import type { GatheredObservation } from '../src/gather.js';
import { groupUnits, unitOf } from '../src/group.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
/** A unit vector at `angle` radians in the plane of the first two axes (cosine distance 1 − cos Δ). */
const at = (angle: number, dim = 4) => {
  const v = new Float32Array(dim);
  v[0] = Math.cos(angle);
  v[1] = Math.sin(angle);
  return v;
};
const SETTINGS = {
  minClusterSize: 2,
  minSamples: 1,
  clusterSelectionEpsilon: 0,
  clusterSelectionMethod: 'eom',
} as const;

describe('cutByCompleteLinkage', () => {
  it('merges closest first and never makes a part wider than the cap', () => {
    // 0 —0.04— 1 —0.06— 2: 0 and 2 are ~0.2 apart, over a 0.1 cap; 3 is far from all.
    const one = Math.acos(1 - 0.04);
    const two = one + Math.acos(1 - 0.06);
    const parts = cutByCompleteLinkage([at(0), at(one), at(two), at(Math.PI / 2)], 0.1);
    expect(parts.map((p) => [...p].sort()).sort()).toEqual([[0, 1], [2], [3]]);
    expect(cutByCompleteLinkage([at(0), at(one), at(two)], 0.3)).toHaveLength(1);
  });
});

/** Two tight bunches far apart (HDBSCAN keeps no single all-covering cluster). */
const bunches = (angles: number[]) => [...angles, ...angles.map((a) => a + 1.5)];

describe('groupUnits with re-id vectors', () => {
  it('never groups a re-id unit with a general one, even with the same vector', async () => {
    const units = bunches([0, 0.01, 0.02, 0.03]).flatMap((a) => [
      { embedding: at(a), space: 'general' as const },
      { embedding: at(a), space: 'reid' as const },
    ]);
    const g = await groupUnits(units, SETTINGS);
    const general = new Set(units.flatMap((u, i) => (u.space === 'general' ? [g.labels[i]!] : [])));
    const reid = new Set(units.flatMap((u, i) => (u.space === 'reid' ? [g.labels[i]!] : [])));
    expect(general.size).toBe(2);
    expect(reid.size).toBe(2);
    expect([...general, ...reid].every((label) => label >= 0)).toBe(true);
    expect([...general].filter((label) => reid.has(label))).toEqual([]);
  });

  it('cuts a chained re-id group at reidMaxDiameter, and leaves general groups alone', async () => {
    // Steps of 0.03: HDBSCAN takes each chain of 8 as one group though its ends are ~0.5 apart.
    const angles = bunches(Array.from({ length: 8 }, (_, k) => k * Math.acos(1 - 0.03)));
    const reid = angles.map((a) => unitOf(at(0), at(a)));
    const general = angles.map((a) => unitOf(at(a), null));
    const widest = (labels: Int32Array, units: typeof reid) => {
      let max = 0;
      labels.forEach((g, i) =>
        labels.forEach((h, j) => {
          if (g >= 0 && g === h) max = Math.max(max, 1 - dot(units[i]!.embedding!, units[j]!.embedding!));
        }),
      );
      return max;
    };
    const uncut = await groupUnits(reid, SETTINGS);
    expect(widest(uncut.labels, reid)).toBeGreaterThan(0.1);
    const cut = await groupUnits(reid, SETTINGS, [], { reidMaxDiameter: 0.1 });
    expect(widest(cut.labels, reid)).toBeLessThanOrEqual(0.1 + 1e-6);
    expect([...cut.labels].filter((g) => g < 0)).toEqual([...uncut.labels].filter((g) => g < 0));
    const generalUncut = await groupUnits(general, SETTINGS);
    const generalCut = await groupUnits(general, SETTINGS, [], { reidMaxDiameter: 0.1 });
    expect(generalCut.labels).toEqual(generalUncut.labels);
    expect(widest(generalCut.labels, general)).toBeGreaterThan(0.1);
  });
});

describe('associate without re-id vectors (old shards, REID_MODEL=none)', () => {
  const observation = (i: number, reid?: Float32Array | null): GatheredObservation => ({
    id: `0:${i}`,
    shard: 0,
    detection: {
      id: i,
      frame: i,
      t: i / 4,
      // Two people far apart, each seen on every other sample at a steady place.
      box: i % 2 ? [400, 100, 440, 200] : [10, 100, 50, 200],
      class: 0,
      label: 'person',
      score: 0.9,
      top5: [],
    } satisfies Detection,
    verification: null,
    embedding: at(i % 2 ? 1.2 : 0),
    ...(reid === undefined ? {} : { reid }),
  });
  const run = { association: 'tracklets', noise: 'singletons', clustering: SETTINGS } as const;
  const entitiesOf = async (obs: GatheredObservation[], association: 'tracklets' | 'observations') =>
    (await associate(obs, { ...run, association })).groups.map((g) => g.map((m) => m.obs.id).sort()).sort();

  it('groups exactly as with the general embedding: reid missing or null alike', async () => {
    for (const mode of ['tracklets', 'observations'] as const) {
      const absent = await entitiesOf(
        Array.from({ length: 16 }, (_, i) => observation(i)),
        mode,
      );
      const nulls = await entitiesOf(
        Array.from({ length: 16 }, (_, i) => observation(i, null)),
        mode,
      );
      expect(nulls).toEqual(absent);
      expect(absent.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('uses the re-id vectors where present (observations mode: two people look alike in general)', async () => {
    const obs = Array.from({ length: 16 }, (_, i) => ({
      ...observation(i, at(i % 2 ? 1.2 : 0)),
      embedding: at(0),
    }));
    const groups = await entitiesOf(obs, 'observations');
    // With only the general embedding (all equal) everything would be one group; re-id splits them.
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(new Set(g.map((id) => Number(id.split(':')[1]) % 2)).size).toBe(1);
  });
});
