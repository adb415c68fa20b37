import { describe, expect, it } from 'vitest';
import {
  adjustedRandIndex,
  evaluateIdentities,
  matchFrame,
  parseMotGroundTruth,
  sourceFrameAt,
  type EvalObservation,
} from '../src/index.js';
import { loadTudGroundTruth } from './support/gt-detections.js';

// Expected values are worked out by hand in the comments (pairs: C(n, 2) = n(n − 1)/2;
// ARI = (Σ C(n_ij) − E) / (½(ΣA + ΣB) − E), E = ΣA·ΣB / C(N)).

describe('adjustedRandIndex', () => {
  it('is 1 for the same partition under any label names', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], ['x', 'x', 'y', 'y', 'z'])).toBe(1);
  });

  it('matches hand-computed values', () => {
    // truth {0,1}{2,3} vs {0,1}{2}{3}: Σn_ij = 1, ΣA = 2, ΣB = 1, C(4) = 6 → E = 1/3;
    // (1 − 1/3) / (3/2 − 1/3) = 4/7.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 12);
    // truth {0,1,2}{3,4,5} vs {0,1}{2,3}{4,5}: Σn_ij = 2, ΣA = 6, ΣB = 3, C(6) = 15 → E = 1.2;
    // (2 − 1.2) / (4.5 − 1.2) = 8/33.
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(8 / 33, 12);
    // Crossed halves: Σn_ij = 0, ΣA = ΣB = 2, E = 2/3; (0 − 2/3) / (2 − 2/3) = −1/2.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
    // One group vs all apart: Σn_ij = 0, ΣA = 6, ΣB = 0, E = 0; 0 / 3 = 0.
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });

  it('is 1 when both partitions are trivial in the same way, and refuses unequal lengths', () => {
    expect(adjustedRandIndex([1, 1, 1], [4, 4, 4])).toBe(1);
    expect(adjustedRandIndex([1, 2, 3], [4, 5, 6])).toBe(1);
    expect(adjustedRandIndex([], [])).toBe(1);
    expect(() => adjustedRandIndex([1, 2], [1])).toThrow(/differ in length/);
  });
});

describe('parseMotGroundTruth', () => {
  it('keys boxes by 0-based video frame and sets flag-0 rows and other classes apart', () => {
    const gt = parseMotGroundTruth(
      [
        '1,1,10,20,30,40,1,1,1.0',
        '1,2,50,20,30,40,0,1,1.0',
        '2,1,12,20,30,40,1,1,0.8',
        '2,3,90,20,30,40,1,7,1.0',
        '',
      ].join('\n'),
      { classes: [1] },
    );
    expect([...gt.frames.keys()]).toEqual([0, 1]);
    expect(gt.frames.get(0)).toEqual([{ id: 1, box: [10, 20, 30, 40] }]);
    expect(gt.ignored.get(0)).toEqual([[50, 20, 30, 40]]);
    expect(gt.ignored.get(1)).toEqual([[90, 20, 30, 40]]);
    expect({ boxes: gt.boxes, ignoredBoxes: gt.ignoredBoxes, identities: gt.identities }).toEqual({
      boxes: 2,
      ignoredBoxes: 2,
      identities: 1,
    });
  });

  it('reads the TUD-Campus ground truth (MOT15: 7 columns, flag −1)', () => {
    const gt = loadTudGroundTruth();
    expect(gt.boxes).toBe(359);
    expect(gt.identities).toBe(8);
    expect(gt.frames.size).toBe(71);
    expect(gt.frames.get(0)![0]).toEqual({ id: 1, box: [399, 182, 121, 229] });
    expect(gt.ignoredBoxes).toBe(0);
  });

  it('names the line and the problem of malformed input', () => {
    expect(() => parseMotGroundTruth('1,1,0,0,10,10\n1,2,3')).toThrow(/gt line 2: expected at least 6/);
    expect(() => parseMotGroundTruth('1,a,0,0,10,10')).toThrow(/gt line 1: not all fields are numbers/);
    expect(() => parseMotGroundTruth('0,1,0,0,10,10')).toThrow(/gt line 1: frame must be a whole number ≥ 1/);
    expect(() => parseMotGroundTruth('1,1,0,0,0,10')).toThrow(/gt line 1: the box has a width or height ≤ 0/);
    expect(() => parseMotGroundTruth('1,1,0,0,5,10\n1,1,3,0,5,10')).toThrow(
      /gt line 2: identity 1 appears twice in frame 1/,
    );
  });
});

describe('matchFrame', () => {
  it('finds the most pairs where greedy best-IoU-first would not', () => {
    // GT1 x 0..10, GT2 x 2..12, all 10 × 10. A x 0.5..10.5: IoU 95/105 = .905 with GT1, 85/115 = .739
    // with GT2. B x −2..8: IoU 80/120 = .667 with GT1, 60/140 = .43 with GT2. Greedy gives A→GT1 and
    // leaves B; the optimum is A→GT2, B→GT1.
    const truth = [
      [0, 0, 10, 10],
      [2, 0, 10, 10],
    ] as const;
    expect([
      ...matchFrame(
        [
          [0.5, 0, 10, 10],
          [-2, 0, 10, 10],
        ],
        truth,
      ),
    ]).toEqual([1, 0]);
    // At IoU ≥ 0.8 only A→GT1 qualifies.
    expect([
      ...matchFrame(
        [
          [0.5, 0, 10, 10],
          [-2, 0, 10, 10],
        ],
        truth,
        0.8,
      ),
    ]).toEqual([0, -1]);
  });
});

describe('evaluateIdentities', () => {
  // Video frames 0–2; identity 1 walks right from x = 0, identity 2 from x = 100; a flag-0 box at
  // x = 200 in frame 1.
  const gt = parseMotGroundTruth(
    [
      '1,1,0,0,10,10,1',
      '1,2,100,0,10,10,1',
      '2,1,2,0,10,10,1',
      '2,2,102,0,10,10,1',
      '2,3,200,0,10,10,0',
      '3,1,4,0,10,10,1',
      '3,2,104,0,10,10,1',
    ].join('\n'),
  );
  const observations: EvalObservation[] = [
    { frame: 0, box: [0, 0, 10, 10], entity: 'a' }, // → 1
    { frame: 0, box: [100, 0, 10, 10], entity: 'b' }, // → 2
    { frame: 0, box: [300, 0, 10, 10], entity: 'c' }, // false positive
    { frame: 1, box: [2, 0, 10, 10], entity: 'a' }, // → 1 (identity 2 missed in frame 1)
    { frame: 1, box: [200, 0, 10, 10], entity: 'b' }, // on the flag-0 box: not counted
    { frame: 2, box: [4, 0, 10, 10], entity: 'b' }, // → 1
    { frame: 2, box: [104, 0, 10, 10], entity: null }, // → 2, noise
  ];

  it('computes every figure as worked out by hand', () => {
    const m = evaluateIdentities(gt, observations);
    expect(m.matchedIdentity).toEqual([1, 2, null, 1, null, 1, 2]);
    expect(m).toMatchObject({
      frames: 3,
      groundTruthBoxes: 6,
      observations: 6,
      ignoredObservations: 1,
      matched: 5,
      entities: 3,
      identities: 2,
      identitiesFound: 2,
      splitIdentities: 1, // identity 1 lies in a and b
      entitiesMatched: 2,
      mergingEntities: 1, // b holds identities 2 and 1
    });
    expect(m.recall).toBeCloseTo(5 / 6, 12);
    expect(m.precision).toBeCloseTo(5 / 6, 12);
    // Matched: (a,1) (b,2) (a,1) (b,1) (noise,2). Entities a{1,1} b{2,1} s{2}: Σn_ij = 1;
    // identities 3 + 2 → ΣA = 3 + 1 = 4; entities 2, 2, 1 → ΣB = 2; C(5) = 10 → E = 0.8;
    // (1 − 0.8) / (3 − 0.8) = 1/11.
    expect(m.ari).toBeCloseTo(1 / 11, 12);
    // a: 2 of 2 on identity 1, b: 1 of 2 → 3/4.
    expect(m.purity).toBeCloseTo(0.75, 12);
    expect(m.noiseFraction).toBeCloseTo(0.2, 12);
    expect(m.splitIdentityFraction).toBeCloseTo(0.5, 12);
    expect(m.mergingEntityFraction).toBeCloseTo(0.5, 12);
  });

  it('evaluates only the frames that were looked at', () => {
    const m = evaluateIdentities(gt, observations, { frames: [0, 2] });
    expect(m).toMatchObject({
      frames: 2,
      groundTruthBoxes: 4,
      observations: 5,
      matched: 4,
      ignoredObservations: 0,
    });
    expect(m.recall).toBe(1);
    expect(m.precision).toBeCloseTo(0.8, 12);
  });

  it('gives ARI 1 and purity 1 for a perfect labelling and counts noise as singletons', () => {
    const perfect = observations.map((o, i) => ({ ...o, entity: [1, 2, 9, 1, 9, 1, 2][i]! }));
    expect(evaluateIdentities(gt, perfect)).toMatchObject({
      ari: 1,
      purity: 1,
      splitIdentities: 0,
      mergingEntities: 0,
    });
    // All noise: every matched observation a singleton against two identities: ARI 0 (Σn_ij = 0, ΣB = 0).
    const noise = observations.map((o) => ({ ...o, entity: null }));
    expect(evaluateIdentities(gt, noise)).toMatchObject({ ari: 0, entities: 0, noiseFraction: 1 });
  });

  it('turns sample times into source frames as the sampler picks them', () => {
    expect(sourceFrameAt(0, 25)).toBe(0);
    expect(sourceFrameAt(0.2, 25)).toBe(5);
    expect(sourceFrameAt(1 / 3, 29.97)).toBe(9); // 9.99 → frame 9 is on screen
    expect(() => sourceFrameAt(1, 0)).toThrow(/sourceFps/);
  });
});
