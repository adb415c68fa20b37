import { describe, expect, it } from 'vitest';
import { buildTracklets, type TrackDetection } from '../src/index.js';

/** A unit vector at `angle` radians in the first plane: cosine distance between a and b = 1 − cos(a − b). */
const at = (angle: number) => Float32Array.from([Math.cos(angle), Math.sin(angle), 0, 0]);
/** The angle whose cosine distance from angle 0 is `d`. */
const away = (d: number) => Math.acos(1 - d);

/**
 * One person standing still, sampled at 4 fps: seen on samples 0–2, missed on sample 3 (the track
 * coasts; someone else is seen far away then, so the sample exists), then a detection at the same
 * place on sample 4 with the given score and re-id vector.
 */
function coasting(score: number, reid: Float32Array | null): TrackDetection<number>[] {
  const seen = [0, 1, 2].map((n) => ({
    id: n,
    frame: n,
    t: n / 4,
    box: [100, 100, 40, 100] as [number, number, number, number],
    label: 'person',
    score: 0.9,
    embedding: at(0),
    reid: at(0),
  }));
  const elsewhere = {
    ...seen[0]!,
    id: 3,
    frame: 3,
    t: 0.75,
    box: [500, 100, 40, 100] as (typeof seen)[0]['box'],
    reid: at(Math.PI / 2),
  };
  return [...seen, elsewhere, { ...seen[0]!, id: 4, frame: 4, t: 1, score, reid }];
}

/** The tracklets, without the one of the person far away. */
const groups = (d: TrackDetection<number>[]) =>
  buildTracklets(d)
    .tracklets.map((t) => [...t.detectionIds].sort((a, b) => a - b))
    .filter((ids) => !ids.includes(3));

describe('coasting tracks and re-id vectors', () => {
  it('a low-score detection extends a coasting track when its re-id vector is within the coasting gate', () => {
    expect(groups(coasting(0.3, at(away(0.2))))).toEqual([[0, 1, 2, 4]]);
  });

  it('but not without a re-id vector (motion alone does not vouch for a coasting track), nor past the gate', () => {
    expect(groups(coasting(0.3, null))).toEqual([[0, 1, 2], [4]]);
    expect(groups(coasting(0.3, at(away(0.4))))).toEqual([[0, 1, 2], [4]]);
  });

  it('a coasting track takes a high-score detection only within reidLostMaxAppearanceDistance', () => {
    // 0.4 passes the gate of a track seen on the previous sample (0.5), not that of a coasting one (0.3).
    expect(groups(coasting(0.9, at(away(0.4))))).toEqual([[0, 1, 2], [4]]);
    expect(groups(coasting(0.9, at(away(0.2))))).toEqual([[0, 1, 2, 4]]);
    const wider = buildTracklets(coasting(0.9, at(away(0.4))), { reidLostMaxAppearanceDistance: 0.5 });
    expect(wider.tracklets.map((t) => t.detectionIds.length)).toEqual([4, 1]);
  });

  it('an active track keeps the wider gate', () => {
    const d = coasting(0.9, at(away(0.4))).filter((x) => x.id !== 3);
    expect(groups(d)).toEqual([[0, 1, 2, 4]]);
  });

  it('checks the setting', () => {
    expect(() => buildTracklets(coasting(0.9, at(0)), { reidLostMaxAppearanceDistance: -1 })).toThrow(
      /reidLostMaxAppearanceDistance must be a number in \[0, 2\]/,
    );
  });
});
