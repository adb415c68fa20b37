import { describe, expect, it } from 'vitest';
import { buildTracklets, type TrackDetection } from '../src/index.js';

const unit = (k: number) => Float32Array.from({ length: 4 }, (_, i) => (i === k ? 1 : 0));

/** One object standing still, sampled at 4 fps; its appearance vectors change at sample 3. */
const still = (reid: (n: number) => Float32Array | null): TrackDetection<number>[] =>
  Array.from({ length: 6 }, (_, n) => ({
    id: n,
    frame: n,
    t: n / 4,
    box: [100, 100, 40, 100],
    label: 'person',
    score: 0.9,
    embedding: unit(0),
    reid: reid(n),
  }));

describe('tracker appearance with re-id vectors', () => {
  it('uses the re-id vector where both sides have one: a different person is not linked', () => {
    // General embeddings identical throughout; the re-id vector turns orthogonal (distance 1 > 0.5).
    const r = buildTracklets(still((n) => unit(n < 3 ? 1 : 2)));
    expect(r.tracklets.map((t) => t.detectionIds)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(r.tracklets[0]!.reid).toEqual(unit(1));
  });

  it('falls back to the general embedding where re-id vectors are missing, as before', () => {
    const r = buildTracklets(still(() => null));
    expect(r.tracklets.map((t) => t.detectionIds)).toEqual([[0, 1, 2, 3, 4, 5]]);
    expect(r.tracklets[0]!.reid).toBeNull();
  });

  it('has its own gate: a re-id distance under reidMaxAppearanceDistance links', () => {
    const r = buildTracklets(
      still((n) => unit(n < 3 ? 1 : 2)),
      { reidMaxAppearanceDistance: 1.5 },
    );
    expect(r.tracklets).toHaveLength(1);
  });

  it('refuses a re-id vector of another length', () => {
    const d = still(() => unit(1));
    d[2] = { ...d[2]!, reid: new Float32Array(3).fill(1) };
    expect(() => buildTracklets(d)).toThrow(/reid has 3 dimensions, others 4/);
  });
});
