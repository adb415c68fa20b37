import { describe, expect, it } from 'vitest';
import { FEATURES, featureVector, fitLogistic, predictLogistic, type LabelEvidence } from '../src/index.js';

describe('fitLogistic', () => {
  it('recovers a one-feature boundary and gives calibrated-looking probabilities', () => {
    // y = 1 above x = 2, with two overlapping points at the boundary.
    const x = [[0], [0.5], [1], [1.5], [2], [2], [2.5], [3], [3.5], [4]];
    const y = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    const model = fitLogistic(x, y, { l2: 0.01, iterations: 5000, learningRate: 0.5 });
    expect(predictLogistic(model, [0])).toBeLessThan(0.1);
    expect(predictLogistic(model, [4])).toBeGreaterThan(0.9);
    expect(predictLogistic(model, [2])).toBeCloseTo(0.5, 1);
    expect(model.weights[0]).toBeGreaterThan(0);
  });

  it('refuses rows without labels', () => {
    expect(() => fitLogistic([[1]], [])).toThrow(RangeError);
  });
});

describe('featureVector', () => {
  const evidence: LabelEvidence = {
    label: 'dog',
    detectorScore: 0.5,
    detectorRunnerUp: 0.25,
    box: [0, 10, 20, 50],
    frameWidth: 100,
    frameHeight: 100,
    embeddingProbability: null,
    second: { sameClassScore: 0.1, sameClassIou: 0.6, bestLabel: 'cat', bestScore: 0.7 },
  };

  it('puts each piece of evidence in its named slot, a missing embedding as 0 plus an indicator', () => {
    const v = Object.fromEntries(featureVector(evidence).map((x, j) => [FEATURES[j]!.name, x]));
    expect(v).toEqual({
      detectorLogit: 0,
      detectorRunnerUp: 0.25,
      logAreaShare: Math.log(0.08),
      absLogAspect: Math.log(2),
      atFrameEdge: 1,
      embeddingProbability: 0,
      embeddingMissing: 1,
      secondSameClass: 0.1,
      secondSameClassIou: 0.6,
      secondAgrees: 0,
      secondOtherScore: 0.7,
      secondNothing: 0,
    });
  });
});
