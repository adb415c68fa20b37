import { describe, expect, it } from 'vitest';
import { detectorLabel } from '../labels/dataset.js';
import { iou, mistakeKind, sortDetections } from '../labels/match.js';
import {
  curve,
  figures,
  labelOnlyRecallBound,
  perClass,
  recallByKind,
  suggestionAccuracy,
  type Scored,
} from '../labels/metrics.js';

const det = (box: [number, number, number, number], label: string, score: number) => ({ box, label, score });
const truth = (box: [number, number, number, number], label: string, crowd = false) => ({
  box,
  label,
  crowd,
});

describe('sortDetections', () => {
  it('sorts each detection into correct, wrong class, no object or ignored', () => {
    const truths = [
      truth([0, 0, 10, 10], 'dog'),
      truth([20, 0, 30, 10], 'cat'),
      truth([100, 100, 200, 200], 'person', true),
    ];
    const sorted = sortDetections(
      [
        det([0, 0, 10, 10], 'dog', 0.9), // exact dog box
        det([20, 0, 30, 11], 'dog', 0.8), // on the cat: IoU 10/11
        det([50, 50, 60, 60], 'dog', 0.7), // nothing there
        det([110, 110, 150, 150], 'person', 0.6), // inside the crowd region
        det([0, 0, 10, 14], 'dog', 0.5), // a duplicate of the dog, same class
      ],
      truths,
    );
    expect(sorted).toEqual([
      { outcome: 'correct', trueLabel: 'dog', ownIou: 1 },
      { outcome: 'wrong-class', trueLabel: 'cat', ownIou: 0 },
      { outcome: 'no-object', trueLabel: null, ownIou: 0 },
      { outcome: 'ignored', trueLabel: null, ownIou: 0 },
      { outcome: 'correct', trueLabel: 'dog', ownIou: 100 / 140 },
    ]);
  });

  it('needs IoU 0.5: a half-overlapping box of another class is no object', () => {
    // IoU of [0,0,10,10] and [5,0,15,10] is 50 / 150 = 1/3.
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3);
    expect(sortDetections([det([5, 0, 15, 10], 'cat', 0.9)], [truth([0, 0, 10, 10], 'dog')])).toEqual([
      { outcome: 'no-object', trueLabel: null, ownIou: 0 },
    ]);
  });

  it('greedy by score: the better-scored detection takes the box, and the true label is the best overlap', () => {
    const truths = [truth([0, 0, 10, 10], 'cat'), truth([0, 0, 10, 12], 'dog')];
    // The cat detection overlaps both; it is the cat's (same class). The dog box remains for the dog one.
    const sorted = sortDetections(
      [det([0, 0, 10, 12], 'bird', 0.4), det([0, 0, 10, 11], 'cat', 0.9)],
      truths,
    );
    expect(sorted[1]).toEqual({ outcome: 'correct', trueLabel: 'cat', ownIou: 100 / 110 });
    // bird: IoU 1 with the dog box, 10/12 with the cat one.
    expect(sorted[0]).toEqual({ outcome: 'wrong-class', trueLabel: 'dog', ownIou: 0 });
  });

  it('tells a loose box on an object of its class from a box on nothing of its class', () => {
    const truths = [truth([0, 0, 10, 10], 'dog'), truth([100, 0, 110, 10], 'cat')];
    const sorted = sortDetections(
      [
        det([5, 0, 15, 10], 'dog', 0.9), // half off the dog: IoU 1/3
        det([9, 0, 19, 10], 'dog', 0.8), // IoU 10/190: below 0.1
        det([105, 0, 115, 10], 'dog', 0.7), // on the cat at IoU 1/3: no object, nothing of its class
      ],
      truths,
    );
    expect(sorted.map((s) => s.outcome)).toEqual(['no-object', 'no-object', 'no-object']);
    expect(sorted[0]!.ownIou).toBeCloseTo(1 / 3);
    expect(sorted.map((s) => mistakeKind(s.outcome, s.ownIou))).toEqual([
      'loose-box',
      'nothing-of-its-class',
      'nothing-of-its-class',
    ]);
    expect(mistakeKind('wrong-class', 0.4)).toBe('wrong-class');
    expect(mistakeKind('correct', 1)).toBeNull();
  });
});

describe('label checking figures', () => {
  const row = (
    outcome: Scored['outcome'],
    right: number | null,
    suggestion: string | null,
    trueLabel: string | null = null,
    label = 'dog',
    ownIou = 0,
  ): Scored => ({
    label,
    outcome,
    trueLabel,
    ownIou,
    judgement: { right, suggestion },
  });
  const rows: Scored[] = [
    row('correct', 0.9, 'dog'),
    row('correct', 0.2, 'cat'), // a false flag
    row('wrong-class', 0.1, 'cat', 'cat'), // caught, right suggestion
    row('wrong-class', null, 'bird', 'cat', 'person'), // cannot be judged: missed
    row('no-object', 0.25, 'dog', null, 'person'), // caught
    row('no-object', 0.6, 'dog', null, 'person', 0.3), // missed: a loose box
  ];

  it('counts precision over flags and recall over all real mistakes, unjudged ones missed', () => {
    expect(figures(rows, 0.3)).toEqual({
      detections: 6,
      mistakes: 4,
      checkable: 5 / 6,
      flagged: 3,
      precision: 2 / 3,
      recall: 2 / 4,
    });
    expect(figures(rows, 0.05)).toMatchObject({ flagged: 0, precision: null, recall: 0 });
  });

  it('splits recall by kind of mistake, and bounds what a check of the label alone can reach', () => {
    expect(recallByKind(rows, 0.3)).toEqual([
      { kind: 'wrong-class', mistakes: 2, flagged: 1, recall: 1 / 2 },
      { kind: 'loose-box', mistakes: 1, flagged: 0, recall: 0 },
      { kind: 'nothing-of-its-class', mistakes: 1, flagged: 1, recall: 1 },
    ]);
    // Three of the four mistakes have a wrong label; the loose box's label is right.
    expect(labelOnlyRecallBound(rows)).toBe(3 / 4);
    expect(labelOnlyRecallBound(rows.filter((r) => r.outcome === 'correct'))).toBeNull();
  });

  it('scores suggestions on wrong-class detections only', () => {
    expect(suggestionAccuracy(rows)).toBe(1 / 2);
    expect(suggestionAccuracy(rows.filter((r) => r.outcome !== 'wrong-class'))).toBeNull();
  });

  it('draws the curve point by point and splits by detector class', () => {
    const points = curve(rows, [0.15, 0.3, 0.7]);
    expect(points.map((p) => [p.flagged, p.recall])).toEqual([
      [1, 1 / 4],
      [3, 2 / 4],
      [4, 3 / 4],
    ]);
    const classes = perClass(rows, 0.3, 3);
    expect(classes.map((c) => [c.label, c.detections, c.precision, c.recall])).toEqual([
      ['dog', 3, 1 / 2, 1],
      ['person', 3, 1, 1 / 3],
    ]);
  });
});

describe('detectorLabel', () => {
  it("maps COCO's names to the darknet spelling and refuses unknown ones", () => {
    const labels = ['person', 'motorbike', 'diningtable'];
    expect(detectorLabel('person', labels)).toBe('person');
    expect(detectorLabel('motorcycle', labels)).toBe('motorbike');
    expect(detectorLabel('dining table', labels)).toBe('diningtable');
    expect(() => detectorLabel('unicorn', labels)).toThrow(/unicorn/);
  });
});
