import { describe, expect, it } from 'vitest';
import type { Detection } from '@orion/shared';
import { buildEntities, type Member } from '../src/build-entities.js';
import { flagObservations, isLikelyFalsePositive } from '../src/flags.js';

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

  it('marks an entity whose members were mostly judged "no object" as a likely false positive, not one of mostly wrong class', () => {
    const judged = (verdict: 'correct' | 'wrong-class' | 'no-object') => ({
      status: 'verified' as const,
      isMatch: verdict === 'correct',
      probability: verdict === 'correct' ? 0.9 : 0.1,
      similarity: null,
      confidence: 'high' as const,
      suggestedClass: verdict === 'wrong-class' ? 'bottle' : 'cup',
      suggestedProbability: verdict === 'wrong-class' ? 0.8 : 0.1,
      verdict,
    });
    const ghost = [
      member(0, 'cup', 1, judged('no-object')),
      member(1, 'cup', 2, judged('no-object')),
      member(2, 'cup', 3, judged('correct')),
    ];
    const bottle = [
      member(3, 'cup', 4, judged('wrong-class')),
      member(4, 'cup', 5, judged('wrong-class')),
      member(5, 'cup', 6, judged('no-object')),
    ];
    const entities = buildEntities([ghost, bottle], 3);
    const { flags, falsePositives } = flagObservations(entities, new Map());
    // Both fail verification mostly; only the first holds mostly nothing.
    expect(falsePositives).toEqual(new Set([entities[0]!.entity.id]));
    // A crop that holds no object gets no class suggestion, and the flag says why.
    expect(flags.get('0:0')).toMatchObject({
      reasons: ['verification'],
      suggestedClass: null,
      evidence: { verdict: 'no-object' },
    });
    expect(flags.get('0:3')).toMatchObject({
      suggestedClass: 'bottle',
      evidence: { verdict: 'wrong-class' },
    });
    expect(flags.has('0:2')).toBe(false);
  });

  it('needs a few judged members, and falls back to failing verification only for shards without verdicts', () => {
    expect(isLikelyFalsePositive({ verified: 2, failing: 2, judged: 2, noObject: 2 })).toBe(false);
    expect(isLikelyFalsePositive({ verified: 3, failing: 3, judged: 3, noObject: 1 })).toBe(false);
    expect(isLikelyFalsePositive({ verified: 4, failing: 1, judged: 4, noObject: 3 })).toBe(true);
    expect(isLikelyFalsePositive({ verified: 3, failing: 2, judged: 0, noObject: 0 })).toBe(true);
    expect(isLikelyFalsePositive({ verified: 3, failing: 1, judged: 0, noObject: 0 })).toBe(false);
  });
});
