import { describe, expect, it } from 'vitest';
import {
  GroundTruthFormatError,
  buildTracklets,
  entityTrackIds,
  evaluateTracking,
  formatMotResults,
  parseMotGroundTruth,
  parseMotResults,
  type BoxXywh,
  type EvalObservation,
} from '../src/index.js';
import { degradedDetections, loadTudGroundTruth } from './support/gt-detections.js';

/** Ground truth from `frame(1-based),id,x,y,w,h` rows. */
const gt = (rows: [number, number, number, number, number, number][]) =>
  parseMotGroundTruth(rows.map((r) => `${r.join(',')},-1,-1,-1,-1`).join('\n'));
const box = (x: number, w = 10, h = 10): BoxXywh => [x, 0, w, h];
const obs = (frame: number, x: number, entity: string | null, b = box(x)): EvalObservation => ({
  frame,
  box: b,
  entity,
});

describe('tracking metrics on hand-computed cases', () => {
  it('2 identities × 3 frames: one miss, one false positive, two ID switches, one fragmentation', () => {
    // Identity 1 stands at x = 0, identity 2 at x = 100, in video frames 0, 1, 2.
    const truth = gt([
      [1, 1, 0, 0, 10, 10],
      [1, 2, 100, 0, 10, 10],
      [2, 1, 0, 0, 10, 10],
      [2, 2, 100, 0, 10, 10],
      [3, 1, 0, 0, 10, 10],
      [3, 2, 100, 0, 10, 10],
    ]);
    const m = evaluateTracking(truth, [
      obs(0, 0, 'a'),
      obs(0, 100, 'b'),
      obs(1, 0, 'a'), // identity 2 missed in frame 1 …
      obs(1, 300, 'c'), // … and a box on nothing
      obs(2, 0, 'b'), // identity 1 now followed by b: a switch (its last track was a)
      obs(2, 100, 'd'), // identity 2 now followed by d: a switch (its last track was b) after a gap
    ]);
    // 6 ground-truth boxes, 6 predictions, 5 matched: FN 1, FP 1, IDSW 2 → MOTA = 1 − 4/6.
    expect(m).toMatchObject({ matches: 5, misses: 1, falsePositives: 1, idSwitches: 2, fragmentations: 1 });
    expect(m.mota).toBeCloseTo(1 / 3, 12);
    expect(m.motp).toBe(1);
    // Identity pairs: 1–a share 2 frames, 1–b 1, 2–b 1, 2–d 1. Best one-to-one: 1–a + 2–b (or 2–d)
    // = 3 IDTP; IDFP = 6 − 3, IDFN = 6 − 3 → IDF1 = 6 / 12, IDP = IDR = 3 / 6.
    expect(m).toMatchObject({ idtp: 3, idfp: 3, idfn: 3, idf1: 0.5, idp: 0.5, idr: 0.5 });
    // HOTA: every box exact (IoU 1), so every α gives the same. DetA = TP / (TP + FN + FP) = 5 / 7.
    // AssA = mean over the 5 TPs of the Jaccard index of the two tracks the TP links,
    // |TPA| / (|gt track| + |pred track| − |TPA|): 1–a 2/(3+2−2) twice, 1–b 1/(3+2−1),
    // 2–b 1/(3+2−1), 2–d 1/(3+1−1) → (4/3 + 1/4 + 1/4 + 1/3) / 5 = 13/30. HOTA = √(5/7 · 13/30).
    expect(m.detA).toBeCloseTo(5 / 7, 12);
    expect(m.assA).toBeCloseTo(13 / 30, 12);
    expect(m.hota).toBeCloseTo(Math.sqrt((5 / 7) * (13 / 30)), 12);
    expect(m.locA).toBe(1);
    expect({ predicted: m.predictedTracks, truth: m.groundTruthTracks }).toEqual({ predicted: 4, truth: 2 });
  });

  it("CLEAR MOT keeps last frame's match while it still holds, even when another box overlaps better", () => {
    const truth = gt([
      [1, 1, 0, 0, 10, 10],
      [2, 1, 0, 0, 10, 10],
    ]);
    // Frame 1: a has moved 3 px (IoU 70/130 ≈ 0.54, still a match), b lies exactly on the person.
    const m = evaluateTracking(truth, [obs(0, 0, 'a'), obs(1, 3, 'a'), obs(1, 0, 'b')]);
    // a keeps the identity: no switch, b is a false positive (a per-frame best-IoU match would switch).
    expect(m).toMatchObject({ matches: 2, idSwitches: 0, falsePositives: 1, mota: 0.5 });
  });

  it('identity swap halfway (the case Ristani et al. and Luiten et al. use against MOTA): MOTA high, IDF1 and AssA low', () => {
    // Identities 1 (x = 0) and 2 (x = 100) over 4 frames; the tracker swaps its two ids at frame 2.
    const rows: [number, number, number, number, number, number][] = [];
    const preds: EvalObservation[] = [];
    for (let f = 0; f < 4; f++) {
      rows.push([f + 1, 1, 0, 0, 10, 10], [f + 1, 2, 100, 0, 10, 10]);
      preds.push(obs(f, 0, f < 2 ? 'a' : 'b'), obs(f, 100, f < 2 ? 'b' : 'a'));
    }
    const m = evaluateTracking(gt(rows), preds);
    // CLEAR MOT: every box found, two switches at frame 2 → MOTA = 1 − 2/8.
    expect(m).toMatchObject({ misses: 0, falsePositives: 0, idSwitches: 2, fragmentations: 0, mota: 0.75 });
    // Each identity shares 2 of its 4 frames with each track: IDTP = 2 + 2 → IDF1 = 8 / (8 + 4 + 4).
    expect(m).toMatchObject({ idf1: 0.5, idp: 0.5, idr: 0.5 });
    // Detection perfect (DetA 1); each TP links tracks of 4 and 4 boxes sharing 2: AssA = 2/6 → HOTA = √(1/3).
    expect(m.detA).toBe(1);
    expect(m.assA).toBeCloseTo(1 / 3, 12);
    expect(m.hota).toBeCloseTo(Math.sqrt(1 / 3), 12);
  });

  it("the HOTA paper's contrast: finding half of a track with one id scores HOTA 0.5, finding all of it split in two halves √0.5", () => {
    // One identity over 10 frames (Luiten et al. 2020, Fig. 1's point: MOTA favours detection, IDF1 association).
    const rows: [number, number, number, number, number, number][] = [];
    for (let f = 1; f <= 10; f++) rows.push([f, 1, 0, 0, 10, 10]);
    const truth = gt(rows);
    const half = evaluateTracking(
      truth,
      [0, 1, 2, 3, 4].map((f) => obs(f, 0, 'a')),
    );
    // MOTA = 1 − 5/10; IDF1 = 2·5 / (2·5 + 0 + 5) = 2/3; DetA = 5/10, AssA = 5/(10+5−5) = 1/2, HOTA = 1/2.
    expect(half).toMatchObject({ mota: 0.5, idSwitches: 0, detA: 0.5, assA: 0.5, hota: 0.5 });
    expect(half.idf1).toBeCloseTo(2 / 3, 12);
    const split = evaluateTracking(
      truth,
      [...Array(10).keys()].map((f) => obs(f, 0, f < 5 ? 'a' : 'b')),
    );
    // MOTA = 1 − 1/10 (one switch); IDF1 = 2·5 / 20 = 1/2; DetA = 1, AssA = 5/(10+5−5) = 1/2, HOTA = √(1/2).
    expect(split).toMatchObject({ idSwitches: 1, idf1: 0.5, detA: 1, assA: 0.5 });
    expect(split.mota).toBeCloseTo(0.9, 12);
    expect(split.hota).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('HOTA averages over α = 0.05 … 0.95: a box at IoU 0.6 counts for 12 of the 19 thresholds', () => {
    const truth = gt([[1, 1, 0, 0, 10, 10]]);
    const m = evaluateTracking(truth, [obs(0, 0, 'a', [0, 0, 10, 6])]); // IoU 60/100
    expect(m.perAlpha.map((r) => r.tp)).toEqual([...Array(19).keys()].map((k) => (k < 12 ? 1 : 0)));
    expect(m.hota).toBeCloseTo(12 / 19, 12);
    expect(m.detA).toBeCloseTo(12 / 19, 12);
    // CLEAR MOT and IDF1 use one threshold, 0.5: a match.
    expect(m).toMatchObject({ mota: 1, idf1: 1 });
    expect(m.motp).toBeCloseTo(0.6, 12);
  });

  it('a noise observation is a track of its own; a box on ignored ground truth is neither right nor wrong', () => {
    const truth = parseMotGroundTruth('1,1,0,0,10,10,-1\n2,1,0,0,10,10,-1\n1,2,100,0,10,10,0\n');
    const m = evaluateTracking(truth, [obs(0, 0, null), obs(1, 0, null), obs(0, 100, 'z')]);
    expect(m).toMatchObject({ predictedTracks: 2, ignoredPredictions: 1, falsePositives: 0, idSwitches: 1 });
    expect(m.idf1).toBe(0.5);
  });

  it('nothing to score gives zeros, not NaN', () => {
    const m = evaluateTracking(gt([[1, 1, 0, 0, 10, 10]]), [], { frames: [] });
    for (const k of ['mota', 'idf1', 'idp', 'idr', 'hota', 'detA', 'assA'] as const) expect(m[k], k).toBe(0);
  });
});

describe('tracking metrics on TUD-Campus ground truth', () => {
  const truth = loadTudGroundTruth();
  const perfect: EvalObservation[] = [...truth.frames].flatMap(([frame, boxes]) =>
    boxes.map((g) => ({ frame, box: g.box, entity: `person-${g.id}` })),
  );

  it('the ground truth scored against itself is perfect', () => {
    const m = evaluateTracking(truth, perfect);
    expect(m).toMatchObject({
      mota: 1,
      idf1: 1,
      hota: 1,
      detA: 1,
      assA: 1,
      idSwitches: 0,
      fragmentations: 0,
    });
    expect(m.matches).toBe(359);
  });

  it('the tracker on jittered boxes scores below perfect, and merging two identities costs IDF1 but not MOTA', () => {
    const detections = degradedDetections(truth, { fps: 25, jitter: 0.05, dropout: 0.1, seed: 7 });
    const result = buildTracklets(detections);
    const tracked = detections.map((d, i) => ({
      frame: d.sourceFrame,
      box: d.box,
      entity: result.trackletOfIndex[i]!,
    }));
    const m = evaluateTracking(truth, tracked);
    expect(m.mota).toBeLessThan(1);
    expect(m.hota).toBeLessThan(1);
    expect(m.hota).toBeGreaterThan(0.3);
    // One entity for everyone: detection is unchanged, association collapses.
    const merged = evaluateTracking(
      truth,
      tracked.map((o) => ({ ...o, entity: 'everyone' })),
    );
    expect(merged.detA).toBeCloseTo(m.detA, 1);
    expect(merged.idf1).toBeLessThan(m.idf1);
    expect(merged.assA).toBeLessThan(m.assA);
  });
});

describe('MOTChallenge results files', () => {
  it('round-trip: entities written and read back score the same, frames 1-based as in gt.txt', () => {
    const truth = loadTudGroundTruth();
    const detections = degradedDetections(truth, { fps: 5, jitter: 0.03, dropout: 0.05, seed: 3 });
    const result = buildTracklets(detections);
    const frames = new Set(detections.map((d) => d.sourceFrame));
    const entities: EvalObservation[] = detections.map((d, i) => ({
      frame: d.sourceFrame,
      // Whole pixels, so that the file's two decimals lose nothing.
      box: d.box.map(Math.round) as unknown as BoxXywh,
      entity: i % 17 === 0 ? null : `e${result.trackletOfIndex[i]}`,
    }));
    const ids = entityTrackIds(entities);
    const text = formatMotResults(
      entities.map((o, i) => ({ frame: o.frame, id: ids[i]!, box: o.box, score: 0.9 })),
    );
    const first = text.split('\n')[0]!;
    expect(first).toMatch(/^1,\d+,[\d.]+,[\d.]+,[\d.]+,[\d.]+,0\.9,-1,-1,-1$/);
    const back = parseMotResults(text);
    expect(back).toHaveLength(entities.length);
    const again = evaluateTracking(
      truth,
      back.map((r) => ({ frame: r.frame, box: r.box, entity: r.id })),
      { frames },
    );
    const direct = evaluateTracking(truth, entities, { frames });
    expect(again).toEqual(direct);
    expect(direct.matches).toBeGreaterThan(0);
  });

  it('reading refuses malformed lines, naming them', () => {
    expect(() => parseMotResults('1,1,0,0,10,10,1,-1,-1,-1\n0,1,0,0,10,10,1\n')).toThrow(
      new GroundTruthFormatError('results line 2: frame must be a whole number ≥ 1, got 0'),
    );
    expect(() => parseMotResults('1,1,0,0,10,10,1\n1,1,5,0,10,10,1\n')).toThrow(
      /line 2: id 1 appears twice in frame 1/,
    );
    expect(() => parseMotResults('1,1,0,0,-3,10,1\n')).toThrow(/line 1: the box has a width or height ≤ 0/);
    expect(() => parseMotResults('1,1,0,0,10\n')).toThrow(/line 1: expected frame,id,x,y,w,h,conf/);
  });
});
