import { describe, expect, it } from 'vitest';
import {
  FEATURES,
  assertParamsMatch,
  checkLabel,
  featureVector,
  fitLogistic,
  frameContext,
  labelCheckParams,
  predictLogistic,
  type FrameDetection,
  type LabelEvidence,
} from '../src/index.js';

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
    frame: {
      iouHigherSame: 0.2,
      iouHigherOther: 0.8,
      higherOtherLabel: 'cat',
      insideHigher: 0.9,
      containsHigher: 0.5,
      sameLabelOverlapping: 5,
      rank: 2,
      scoreShare: 0.5,
    },
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
      frameIouHigherSame: 0.2,
      frameIouHigherOther: 0.8,
      frameInsideHigher: 0.9,
      frameContainsHigher: 0.5,
      frameSameLabelOverlapping: 3,
      frameLogRank: Math.log(3),
      frameScoreShare: 0.5,
    });
  });

  it('reads unknown frame context as a detection alone in its frame', () => {
    const v = featureVector({ ...evidence, frame: null });
    expect(v.slice(-7)).toEqual([0, 0, 0, 0, 0, 0, 1]);
  });
});

describe('frameContext', () => {
  const person: FrameDetection = { box: [0, 0, 100, 200], label: 'person', score: 0.9 };
  const dog: FrameDetection = { box: [0, 0, 100, 190], label: 'dog', score: 0.5 };
  const hand: FrameDetection = { box: [10, 10, 30, 30], label: 'person', score: 0.4 };
  const far: FrameDetection = { box: [300, 300, 350, 350], label: 'car', score: 0.95 };
  const frame = [person, dog, hand, far];

  it('measures a weaker box of another class on a stronger one', () => {
    const c = frameContext(dog, frame);
    expect(c.iouHigherOther).toBeCloseTo(0.95, 5);
    expect(c.higherOtherLabel).toBe('person');
    expect(c.insideHigher).toBe(1);
    expect(c.containsHigher).toBeCloseTo(0.95, 5);
    expect(c.rank).toBe(2);
    expect(c.scoreShare).toBeCloseTo(0.5 / 0.95, 5);
    expect(c.iouHigherSame).toBe(0);
  });

  it('measures a part inside a stronger box of its own label, and the best box itself', () => {
    const c = frameContext(hand, frame);
    expect(c.insideHigher).toBe(1);
    expect(c.iouHigherSame).toBeCloseTo(400 / 20000, 5);
    expect(c.sameLabelOverlapping).toBe(0);
    const best = frameContext(far, frame);
    expect(best).toMatchObject({ rank: 0, scoreShare: 1, insideHigher: 0, higherOtherLabel: null });
  });

  it('judges another label than the detection’s own when asked', () => {
    expect(frameContext(dog, frame, 'person').iouHigherSame).toBeCloseTo(0.95, 5);
  });
});

describe('checkLabel', () => {
  const base: LabelEvidence = {
    label: 'dog',
    detectorScore: 0.9,
    detectorRunnerUp: 0,
    box: [10, 10, 60, 60],
    frameWidth: 100,
    frameHeight: 100,
    embeddingProbability: null,
    second: { sameClassScore: 0.8, sameClassIou: 0.9, bestLabel: 'dog', bestScore: 0.8 },
    frame: frameContext({ box: [10, 10, 60, 60], label: 'dog', score: 0.9 }, []),
  };
  const sources = { embedding: null, detectorNext: 'cat' };

  it('passes a confident detection, and flags a weak duplicate of a stronger box of another class', () => {
    const params = labelCheckParams();
    const ok = checkLabel(base, sources, params);
    expect(ok).toMatchObject({ isMatch: true, verdict: 'correct' });
    expect(ok.probability).toBeGreaterThanOrEqual(params.flagBelow);
    const weak = checkLabel(
      {
        ...base,
        detectorScore: 0.31,
        second: { sameClassScore: 0, sameClassIou: 0, bestLabel: 'cat', bestScore: 0.7 },
        frame: frameContext({ box: [10, 10, 60, 60], label: 'dog', score: 0.31 }, [
          { box: [10, 10, 61, 60], label: 'cat', score: 0.8 },
        ]),
      },
      sources,
      params,
    );
    expect(weak).toMatchObject({ isMatch: false, verdict: 'wrong-class', suggestedClass: 'cat' });
    expect(weak.probability).toBeLessThan(ok.probability);
  });

  it('refuses parameters fitted on other features', () => {
    const params = labelCheckParams();
    expect(() => assertParamsMatch({ ...params, features: params.features.slice(1) })).toThrow(
      /refit with npm run fit:labels/,
    );
  });
});
