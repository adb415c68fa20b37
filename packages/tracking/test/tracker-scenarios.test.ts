import { describe, expect, it } from 'vitest';
import { buildTracklets, DEFAULT_TRACKER_OPTIONS } from '../src/index.js';
import { gaussian, seededRandom } from './support/random.js';
import { sampleScene, trackletTruths, unitEmbedding, type Mover } from './support/scenes.js';

// Synthetic scenes with known identities. Boxes are 60 × 150 px people walking at 100 px/s (about
// 1.7 box widths per second), sampled at the rates the pipeline uses.

const walker = (name: string, x: number, vx: number, extra: Partial<Mover> = {}): Mover => ({
  name,
  box: [x, 200, 60, 150],
  velocity: [vx, 0],
  ...extra,
});

describe('two people crossing', () => {
  // A walks right, B walks left, 12 px lower (B nearer the camera); they overlap fully at t = 2 s.
  const movers = [walker('A', 50, 100), walker('B', 450, -100, { box: [450, 212, 60, 150] })];

  for (const fps of [2, 5, 10, 25]) {
    it(`keeps both identities through the crossing at ${fps} fps`, () => {
      const detections = sampleScene(movers, fps, 4);
      const result = buildTracklets(detections);
      expect(trackletTruths(result, detections).sort()).toEqual(['A'.repeat(4 * fps), 'B'.repeat(4 * fps)]);
    });
  }

  it('keeps both identities when the one behind is hidden while they overlap (5 and 25 fps)', () => {
    for (const fps of [5, 25]) {
      // A (further away) is not detected while B covers more than half of it: around t = 2 s.
      const hidden = (name: string, n: number) => name === 'A' && Math.abs(n / fps - 2) < 0.3;
      const detections = sampleScene(movers, fps, 4, { skip: hidden });
      const truths = trackletTruths(buildTracklets(detections), detections);
      expect(truths.filter((t) => t.length > 1).sort()).toEqual([
        'A'.repeat(detections.filter((d) => d.truth === 'A').length),
        'B'.repeat(4 * fps),
      ]);
    }
  });

  it('reports the two tracklets as cannot-link, and only pairs that really share a frame', () => {
    const ab = movers.map((m) => ({ ...m, to: 4 }));
    const detections = sampleScene([...ab, walker('C', 50, 0, { from: 5 })], 5, 8);
    const result = buildTracklets(detections);
    const expected: [number, number][] = [];
    for (const a of result.tracklets) {
      for (const b of result.tracklets) {
        if (a.id < b.id && a.frames.some((f) => b.frames.includes(f))) expected.push([a.id, b.id]);
      }
    }
    expect(result.cannotLink).toEqual(expected);
    const first = result.tracklets.filter((t) => t.firstFrame === 0).map((t) => t.id);
    expect(first).toHaveLength(2);
    expect(result.cannotLink).toContainEqual(first);
    // C stands where A started, appearing after A and B left at 4 s: it shares no frame with them.
    const c = result.trackletOf.get('C@25')!;
    expect(result.cannotLink.filter((p) => p.includes(c))).toEqual([]);
  });
});

describe('misses and death in seconds', () => {
  it('bridges a miss of 2 samples at 2, 5 and 25 fps', () => {
    for (const fps of [2, 5, 25]) {
      const detections = sampleScene([walker('A', 50, 100)], fps, 4, { skip: (_, n) => n === 4 || n === 5 });
      const result = buildTracklets(detections);
      expect(result.tracklets.map((t) => t.detectionIds.length)).toEqual([4 * fps - 2]);
    }
  });

  it('bridges a 1 s occlusion at every rate but not a 2 s one (maxLostSeconds 1.5)', () => {
    for (const fps of [2, 5, 10, 25]) {
      for (const [gap, tracklets] of [
        [1, 1],
        [2, 2],
      ] as const) {
        // Hidden in [1.5, 1.5 + gap) seconds; it keeps walking meanwhile.
        const hidden = (_: string, n: number) => n / fps >= 1.5 && n / fps < 1.5 + gap;
        const detections = sampleScene([walker('A', 50, 100)], fps, 5, { skip: hidden });
        expect(buildTracklets(detections).tracklets.length, `${gap} s gap at ${fps} fps`).toBe(tracklets);
      }
    }
  });

  it('does not continue an object that left with a new one entering elsewhere', () => {
    for (const fps of [5, 25]) {
      const movers = [
        walker('A', 300, 100, { to: 2 }), // leaves on the right at 2 s
        walker('B', 0, 100, { from: 2.4 }), // enters on the left 0.4 s later
      ];
      const detections = sampleScene(movers, fps, 4);
      expect(trackletTruths(buildTracklets(detections), detections).sort()).toEqual([
        'A'.repeat(2 * fps),
        'B'.repeat(Math.round(1.6 * fps)),
      ]);
    }
  });

  it('starts a new tracklet for a new object in the same place after maxLostSeconds', () => {
    const movers = [walker('A', 200, 0, { to: 2 }), walker('B', 200, 0, { from: 2 + 1.6 })];
    const detections = sampleScene(movers, 5, 5);
    expect(trackletTruths(buildTracklets(detections), detections)).toEqual(['AAAAAAAAAA', 'BBBBBBB']);
    // With a longer allowance it is (wrongly, but as configured) the same track.
    const patient = buildTracklets(detections, { maxLostSeconds: 2 });
    expect(patient.tracklets).toHaveLength(1);
  });

  it('uses timestamps, not frame counts: irregular sampling with gaps', () => {
    // Samples 0.1–0.4 s apart (jittery decoding), one object moving at 150 px/s.
    const gaps = [0.1, 0.3, 0.2, 0.4, 0.1, 0.1, 0.35, 0.25, 0.4, 0.2, 0.3, 0.1, 0.4];
    const times = gaps.reduce<number[]>((acc, g) => [...acc, acc.at(-1)! + g], [0]);
    const movers = [walker('A', 0, 150), walker('B', 520, -150, { box: [520, 215, 60, 150] })];
    const detections = sampleScene(movers, 1, times.length, { time: (n) => times[n]! });
    const result = buildTracklets(detections);
    expect(trackletTruths(result, detections).sort()).toEqual([
      'A'.repeat(times.length),
      'B'.repeat(times.length),
    ]);
    expect(result.tracklets[0]!.lastTime).toBeCloseTo(times.at(-1)!, 9);
  });
});

describe('scores, classes and appearance', () => {
  it('keeps an occluded, low-scoring stretch in the track (ByteTrack second pass), and not without it', () => {
    const dim = (_: string, n: number) => (n >= 8 && n < 12 ? 0.3 : 0.9);
    const detections = sampleScene([walker('A', 50, 100)], 5, 4, { score: dim });
    expect(buildTracklets(detections).tracklets).toHaveLength(1);
    const withoutPass = buildTracklets(detections, { lowScore: DEFAULT_TRACKER_OPTIONS.highScore });
    expect(withoutPass.tracklets.length).toBeGreaterThan(1);
  });

  it('leaves unmatched low-score detections as single-detection tracklets', () => {
    const detections = sampleScene(
      [walker('A', 50, 100), walker('ghost', 400, 0, { box: [400, 0, 30, 30] })],
      5,
      2,
      {
        score: (name) => (name === 'ghost' ? 0.2 : 0.9),
      },
    );
    const result = buildTracklets(detections);
    expect(result.tracklets.map((t) => t.detectionIds.length).sort((a, b) => b - a)).toEqual([
      10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ]);
    expect([...result.trackletOfIndex].every((k) => k >= 0 && k < result.tracklets.length)).toBe(true);
  });

  it('keeps a flipped class inside the tracklet with the majority as consensus', () => {
    const flip = (_: string, n: number) => (n === 6 || n === 7 ? 'dog' : undefined);
    const detections = sampleScene([walker('A', 50, 100)], 5, 4, { label: flip });
    const [tracklet, ...rest] = buildTracklets(detections).tracklets;
    expect(rest).toEqual([]);
    expect(tracklet!.label).toBe('person');
    expect(tracklet!.labelCounts).toEqual({ person: 18, dog: 2 });
    // Class switches forbidden: the two dog detections make a tracklet of their own, and the person's
    // track coasts over them.
    const strict = buildTracklets(detections, { classSwitchCost: null });
    expect(strict.tracklets.map((t) => `${t.label}×${t.detectionIds.length}`).sort()).toEqual([
      'dog×2',
      'person×18',
    ]);
  });

  it('never mixes a person and the bicycle under them, even when the person is missed', () => {
    const movers = [
      walker('P', 50, 120, { box: [50, 150, 50, 140] }),
      walker('bike', 40, 120, { label: 'bicycle', box: [40, 220, 70, 90] }),
    ];
    const missed = (name: string, n: number) => name === 'P' && (n === 7 || n === 8);
    const detections = sampleScene(movers, 5, 4, { skip: missed });
    const result = buildTracklets(detections);
    expect(trackletTruths(result, detections).sort()).toEqual(['P'.repeat(18), 'bike'.repeat(20)].sort());
    expect(result.tracklets.map((t) => Object.keys(t.labelCounts).length)).toEqual([1, 1]);
  });

  it('keeps identities by appearance when two people meet and turn back', () => {
    // A and B walk towards each other, meet at t = 2 s (boxes coincide) and walk back where they
    // came from: constant velocity predicts that they pass each other, appearance says they did not.
    const eA = unitEmbedding(16, 0, 0.2);
    const eB = unitEmbedding(16, 3, 0.2);
    for (const fps of [5, 10]) {
      const detections = sampleScene([walker('A', 50, 100), walker('B', 450, -100)], fps, 4).map((d) => {
        const x0 = d.truth === 'A' ? 50 : 450;
        const v = d.truth === 'A' ? 100 : -100;
        const x = d.t > 2 ? x0 + v * (4 - d.t) : x0 + v * d.t;
        return { ...d, box: [x, 200, 60, 150] as const, embedding: d.truth === 'A' ? eA : eB };
      });
      const mixed = (truths: string[]) => truths.filter((t) => new Set(t).size > 1);
      expect(mixed(trackletTruths(buildTracklets(detections), detections)), `${fps} fps`).toEqual([]);
      // The same scene without embeddings swaps them: motion alone cannot tell.
      const motionOnly = detections.map((d) => ({ ...d, embedding: null }));
      expect(
        mixed(trackletTruths(buildTracklets(motionOnly), detections)).length,
        `${fps} fps`,
      ).toBeGreaterThan(0);
    }
  });

  it('gives each tracklet the quality-weighted mean embedding', () => {
    // One object; its embedding is e1 for most samples and e2 for two samples in which a second,
    // larger detection covers half of it, and which score lower.
    const e1 = unitEmbedding(4, 0);
    const e2 = unitEmbedding(4, 1);
    const movers = [
      walker('A', 100, 0),
      walker('cover', 100, 0, { box: [130, 200, 200, 150], from: 1, to: 1.4 }),
    ];
    const detections = sampleScene(movers, 5, 2, {
      score: (name, n) => (name === 'A' && (n === 5 || n === 6) ? 0.6 : 0.9),
    }).map((d) => ({ ...d, embedding: d.truth === 'A' && (d.frame === 5 || d.frame === 6) ? e2 : e1 }));
    // The appearance gate is opened: e1 and e2 are orthogonal, which would otherwise keep e2 out.
    const result = buildTracklets(detections, { maxAppearanceDistance: 2 });
    const a = result.tracklets[result.trackletOf.get('A@0')!]!;
    expect(a.detectionIds).toHaveLength(10);
    // Weights: 8 × 0.9 on e1, 2 × 0.6 × (1 − ½) = 0.6 on e2 → (7.2, 0.6) / ‖·‖.
    const norm = Math.hypot(7.2, 0.6);
    expect(a.embedding![0]).toBeCloseTo(7.2 / norm, 5);
    expect(a.embedding![1]).toBeCloseTo(0.6 / norm, 5);
    expect(a.embeddingWeight).toBeCloseTo(7.8, 9);
  });
});

describe('invariants in a crowded scene', () => {
  it('puts every detection in exactly one tracklet, never two of one frame together', () => {
    // 25 people in a 640 × 480 frame for 20 s at 10 fps: many crossings, box jitter, 10 % missed, 10 %
    // reported twice, random scores (some in the low-score pass), random appearance.
    const random = seededRandom(3);
    const movers: Mover[] = Array.from({ length: 25 }, (_, k) => ({
      name: String.fromCharCode(65 + k),
      box: [random() * 600, random() * 330, 40, 100 + random() * 50],
      velocity: [(random() - 0.5) * 80, (random() - 0.5) * 30],
      embedding: unitEmbedding(8, k % 8, random()),
    }));
    const sampled = sampleScene(movers, 10, 20, {
      skip: () => random() < 0.1,
      score: () => 0.2 + 0.8 * random(),
    });
    // Detectors also report one person twice now and then (boxes a few pixels apart that NMS kept).
    const detections = sampled.flatMap((d) => {
      const jittered = {
        ...d,
        box: [d.box[0] + 2 * gaussian(random), d.box[1] + 2 * gaussian(random), d.box[2], d.box[3]] as const,
      };
      if (random() >= 0.1) return [jittered];
      return [
        jittered,
        {
          ...jittered,
          id: `${d.id}'`,
          box: [d.box[0] + 4, d.box[1] - 3, d.box[2] - 2, d.box[3] + 4] as const,
        },
      ];
    });
    const result = buildTracklets(detections);
    const seen = new Map<string, number>();
    for (const t of result.tracklets) {
      for (let k = 1; k < t.frames.length; k++) expect(t.frames[k]!).toBeGreaterThan(t.frames[k - 1]!);
      for (const id of t.detectionIds) {
        expect(seen.has(id)).toBe(false);
        seen.set(id, t.id);
      }
    }
    expect(seen.size).toBe(detections.length);
    detections.forEach((d, i) => expect(result.trackletOfIndex[i]).toBe(seen.get(d.id)));
    // And it did track: most detections are in tracklets of at least a second.
    const long = result.tracklets.filter((t) => t.lastTime - t.firstTime >= 1);
    const inLong = long.reduce((n, t) => n + t.detectionIds.length, 0);
    console.log(
      `crowded scene: ${long.length} tracklets ≥ 1 s hold ${inLong} of ${detections.length} detections`,
    );
    expect(inLong / detections.length).toBeGreaterThan(0.7);
  });
});
