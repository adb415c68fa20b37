import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  COCO_LABELS,
  COCO_TO_IMAGENET,
  ImageNetLabelsMismatchError,
  buildCocoImageNetIndex,
  classificationFrom,
  cocoClass,
  confidenceOf,
  naturalName,
  verificationFrom,
  type LabelScores,
} from '@orion/embeddings';
import { parseLabels } from '@orion/shared';
import { modelPath } from '@orion/testkit';

const imagenet = async () => parseLabels(await readFile(modelPath('imagenet.names'), 'utf8'));

describe('COCO labels', () => {
  it('are the detectors’ 80 labels, in coco.names order', async () => {
    expect(COCO_LABELS).toEqual(parseLabels(await readFile(modelPath('coco.names'), 'utf8')));
  });

  it('accept the official COCO spellings and read naturally in prompts', () => {
    expect(cocoClass('TV')).toBe('tvmonitor');
    expect(cocoClass('dining_table')).toBe('diningtable');
    expect(cocoClass('motorcycle')).toBe('motorbike');
    expect(cocoClass('spaceship')).toBeUndefined();
    expect(naturalName('pottedplant')).toBe('potted plant');
    expect(naturalName('bottle')).toBe('bottle');
    expect(naturalName(' red ')).toBe('red');
  });
});

describe('COCO → ImageNet mapping', () => {
  it('names real ImageNet classes, each claimed by at most one COCO class', async () => {
    const index = buildCocoImageNetIndex('mobilenetv2_emb', await imagenet());
    const owner = new Map<number, string>();
    for (const [coco, ids] of index) {
      for (const id of ids) {
        expect(owner.get(id), `ImageNet ${id} mapped to both ${owner.get(id)} and ${coco}`).toBeUndefined();
        owner.set(id, coco);
      }
    }
    expect(index.get('bottle')).toEqual(expect.arrayContaining([440, 737, 898, 907]));
    expect(index.get('tvmonitor')).toEqual(expect.arrayContaining([664, 782, 851]));
    expect(index.get('cup')).toEqual(expect.arrayContaining([504, 968]));
    expect(index.get('dog')).toHaveLength(268 - 151 + 1);
  });

  it('leaves the classes ImageNet cannot stand for unverifiable, person and kite among them', () => {
    const empty = COCO_LABELS.filter((c) => COCO_TO_IMAGENET[c].length === 0);
    expect(empty).toEqual(expect.arrayContaining(['person', 'kite', 'giraffe', 'fire hydrant']));
    expect(empty).not.toContain('bottle');
  });

  it('refuses a labels file that does not line up', async () => {
    const labels = await imagenet();
    expect(() => buildCocoImageNetIndex('m', labels.slice(1))).toThrow(/999 labels instead of 1000/);
    const shifted = [labels[999]!, ...labels.slice(0, 999)];
    expect(() => buildCocoImageNetIndex('m', shifted)).toThrow(ImageNetLabelsMismatchError);
  });
});

describe('verification rules', () => {
  const scores = (probability: (number | null)[], labels = ['bus', 'car', 'person']): LabelScores => ({
    labels,
    probability,
    similarity: labels.map(() => null),
    reasonFor: (l) => `cannot judge ${l}`,
  });

  it('grades confidence by whether the ranking agrees with the verdict', () => {
    expect(confidenceOf(true, true, 0.8)).toBe('high');
    expect(confidenceOf(true, true, 0.4)).toBe('medium');
    expect(confidenceOf(false, false, 0.9)).toBe('high');
    expect(confidenceOf(false, false, 0.3)).toBe('medium');
    expect(confidenceOf(true, false, 0.6)).toBe('low');
    expect(confidenceOf(false, true, 0.2)).toBe('low');
  });

  it('matches at the threshold and suggests the most probable label', () => {
    expect(verificationFrom(scores([0.7, 0.1, null]), 'bus', 0.3)).toMatchObject({
      status: 'verified',
      isMatch: true,
      probability: 0.7,
      confidence: 'high',
      suggestedClass: 'bus',
    });
    expect(verificationFrom(scores([0.2, 0.6, null]), 'bus', 0.3)).toMatchObject({
      isMatch: false,
      confidence: 'high',
      suggestedClass: 'car',
      suggestedProbability: 0.6,
    });
    expect(verificationFrom(scores([0.3, 0.35, null]), 'bus', 0.3)).toMatchObject({
      isMatch: true,
      confidence: 'low',
    });
  });

  it('gives no score to a label the backend cannot judge', () => {
    expect(verificationFrom(scores([0.2, 0.6, null]), 'person', 0.3)).toEqual({
      status: 'unverifiable',
      className: 'person',
      isMatch: null,
      similarity: null,
      probability: null,
      confidence: null,
      suggestedClass: 'car',
      suggestedProbability: 0.6,
      threshold: 0.3,
      reason: 'cannot judge person',
    });
    expect(classificationFrom(scores([0.2, 0.6, null]))).toEqual({
      ranked: [
        { label: 'car', probability: 0.6, similarity: null },
        { label: 'bus', probability: 0.2, similarity: null },
      ],
      unverifiable: ['person'],
    });
  });
});
