import { describe, expect, it } from 'vitest';
import type { Detection } from '@orion/shared';
import { buildEntities, type Member } from '../src/build-entities.js';
import { flagObservations } from '../src/flags.js';

const member = (
  id: number,
  label: string,
  tracklet: number,
  verification: Member['obs']['verification'] = null,
): Member => ({
  obs: {
    id: `0:${id}`,
    shard: 0,
    detection: {
      id,
      frame: id,
      t: id / 4,
      box: [10, 10, 50, 90],
      class: 0,
      label,
      score: 0.8,
      top5: [],
    } satisfies Detection,
    verification,
    embedding: new Float32Array([1, 0, 0]),
  },
  tracklet,
  probability: 1,
});

describe('misclassification flags', () => {
  it('flags a class that flips inside a tracklet, suggesting the tracklet’s consensus', () => {
    const members = [
      member(0, 'person', 7),
      member(1, 'person', 7),
      member(2, 'dog', 7),
      member(3, 'person', 7),
      member(4, 'person', 7),
    ];
    const entities = buildEntities([members], 3);
    const { flags } = flagObservations(entities, new Map([[7, members]]));
    expect([...flags.keys()]).toEqual(['0:2']);
    expect(flags.get('0:2')).toMatchObject({
      reasons: ['tracklet-consensus', 'entity-consensus'],
      suggestedClass: 'person',
      evidence: { trackletConsensus: 'person', trackletShare: 0.8, trackletSize: 5 },
    });
  });

  it('needs a real consensus: two against one is not evidence', () => {
    const members = [member(0, 'person', 1), member(1, 'dog', 1)];
    const { flags } = flagObservations(buildEntities([members], 3), new Map([[1, members]]));
    expect(flags.size).toBe(0);
  });

  it('flags failed verification of medium or high confidence, and marks mostly failing entities as likely false positives', () => {
    const fail = (confidence: 'low' | 'medium' | 'high') => ({
      status: 'verified' as const,
      isMatch: false,
      probability: 0.05,
      similarity: null,
      confidence,
      suggestedClass: 'bottle',
      suggestedProbability: 0.7,
    });
    const members = [
      member(0, 'cup', 1, fail('high')),
      member(1, 'cup', 2, fail('medium')),
      member(2, 'cup', 3, fail('low')),
    ];
    const entities = buildEntities([members], 3);
    const { flags, falsePositives } = flagObservations(entities, new Map());
    expect([...flags.keys()]).toEqual(['0:0', '0:1']);
    expect(flags.get('0:0')).toMatchObject({ reasons: ['verification'], suggestedClass: 'bottle' });
    expect(falsePositives).toEqual(new Set([entities[0]!.entity.id]));
  });
});
