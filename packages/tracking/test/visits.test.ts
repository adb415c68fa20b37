import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  evaluateVisits,
  GroundTruthFormatError,
  parseVisitGroundTruth,
  visitAt,
  type VisitObservation,
} from '../src/index.js';

describe('parseVisitGroundTruth', () => {
  it('reads visits with comments, blank lines, a default class and sorts them by class, then start', () => {
    const gt = parseVisitGroundTruth(
      [
        '# start,end,identity[,class]',
        '',
        '20, 30, bob            # comes second',
        '0,10.5,alice',
        '5,8,red-car,car',
        '40,50,alice, person',
        '   # indented comment',
      ].join('\r\n'),
    );
    expect(gt.visits).toEqual([
      { start: 5, end: 8, identity: 'red-car', label: 'car', line: 5 },
      { start: 0, end: 10.5, identity: 'alice', label: 'person', line: 4 },
      { start: 20, end: 30, identity: 'bob', label: 'person', line: 3 },
      { start: 40, end: 50, identity: 'alice', label: 'person', line: 6 },
    ]);
    expect(gt.identities).toBe(3);
    expect(gt.labels).toEqual(['car', 'person']);
    // Closed intervals, per class.
    expect(visitAt(gt, 'person', 10.5)?.identity).toBe('alice');
    expect(visitAt(gt, 'person', 10.6)).toBeUndefined();
    expect(visitAt(gt, 'car', 20)).toBeUndefined();
    expect(visitAt(gt, 'car', 5)?.identity).toBe('red-car');
  });

  it('names the line and the problem of malformed input', () => {
    const error = (text: string) => {
      try {
        parseVisitGroundTruth(text);
      } catch (err) {
        expect(err).toBeInstanceOf(GroundTruthFormatError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(error('# header\n1,2')).toBe(
      'visits line 2: expected start_seconds,end_seconds,identity[,class], got "1,2"',
    );
    expect(error('1,2,a,person,extra')).toMatch(/^visits line 1: expected start_seconds/);
    expect(error('\n\nx,2,a')).toBe('visits line 3: start must be a number of seconds ≥ 0, got "x"');
    expect(error('1,,a')).toBe('visits line 1: end must be a number of seconds ≥ 0, got ""');
    expect(error('-1,2,a')).toMatch(/^visits line 1: start must be a number of seconds ≥ 0/);
    expect(error('3,2,a')).toBe('visits line 1: end (2) must be after start (3)');
    expect(error('2,2,a')).toBe('visits line 1: end (2) must be after start (2)');
    expect(error('1,2, ')).toBe('visits line 1: the identity is empty');
    expect(error('1,2,a,')).toBe('visits line 1: the class is empty');
    expect(error('1,2,a\n3,4,a,car')).toBe(
      'visits line 2: identity "a" is a car here but a person on an earlier line',
    );
    // One object of a class at a time: overlapping (or touching) visits of a class are refused,
    // whatever the order of the lines; other classes may overlap.
    expect(error('10,20,b\n0,10,a')).toBe(
      'visits line 2: overlaps the person visit of line 1 (10–20 s): at most one person may be in view at a time',
    );
    expect(error('0,10,a\n5,6,b')).toMatch(/^visits line 2: overlaps the person visit of line 1 \(0–10 s\)/);
    expect(() => parseVisitGroundTruth('0,10,a\n5,6,c,car')).not.toThrow();
  });

  it('reads the annotation of the Intel one-by-one video: six people, nobody twice', async () => {
    const gt = parseVisitGroundTruth(
      await readFile(
        new URL(
          '../../../test/fixtures/ground-truth/intel_one-by-one-person-detection.visits.csv',
          import.meta.url,
        ),
        'utf8',
      ),
    );
    expect(gt.visits.map((v) => v.identity)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(gt.identities).toBe(6);
    expect(gt.labels).toEqual(['person']);
    expect(gt.visits.every((v) => v.end <= 139.4)).toBe(true);
  });
});

describe('evaluateVisits', () => {
  // ann visits twice (0–10, 30–40), bob once (15–25); one car visit to show other classes are apart.
  const truth = parseVisitGroundTruth('0,10,ann\n15,25,bob\n30,40,ann\n0,40,truck,car');
  const obs = (t: number, entity: string | null, label = 'person'): VisitObservation => ({
    t,
    label,
    entity,
  });

  it('computes every figure as worked out by hand', () => {
    const observations = [
      obs(1, 'e1'),
      obs(2, 'e1'),
      obs(3, 'e1'),
      obs(4, 'e2'), // ann's first visit: e1 ×3, e2 ×1 → split, majority e1 (3/4)
      obs(16, 'e3'),
      obs(17, 'e3'),
      obs(18, null), // bob: e3 ×2 and one noise → not split, majority e3 (2/3)
      obs(31, 'e1'),
      obs(32, 'e1'), // ann again: e1 ×2 → reunited with her first visit
      obs(12, 'e3'), // person between visits: outside
      obs(20, 'e9', 'chair'), // a class without visits: not looked at
      obs(5, 'e7', 'car'),
      obs(6, 'e7', 'car'), // the truck: e7 ×2
    ];
    const m = evaluateVisits(truth, observations);
    expect(m).toMatchObject({
      visits: 4,
      identities: 3,
      observations: 12,
      inVisits: 11,
      outside: 1,
      entities: 4, // e1, e2, e3, e7 (the chair's e9 is not looked at)
      identitiesSeen: 3,
      noiseFraction: 1 / 11,
      visitsFound: 4,
      splitVisits: 1,
      splitVisitFraction: 0.25,
      entitiesMatched: 4,
      mergingEntities: 0,
      mergingEntityFraction: 0,
      returningIdentities: 1,
      reunitedIdentities: 1,
    });
    expect(m.purity).toBe(1);
    // Pairs: truth ann {6 obs} → 15, bob {3} → 3, truck {2} → 1: ΣA = 19.
    // Entities e1 ×5 → 10, e2 ×1 → 0, e3 ×2 → 1, the noise a singleton, e7 ×2 → 1: ΣB = 12;
    // together Σn_ij = 10 (ann, e1) + 1 (bob, e3) + 1 (truck, e7) = 12.
    // C(11) = 55, E = 19·12/55 = 228/55; ARI = (12 − 228/55) / ((19 + 12)/2 − 228/55) = 864/1249.
    expect(m.ari).toBeCloseTo(864 / 1249, 12);
    expect(m.perVisit.map((v) => [v.identity, v.majorityEntity, v.majorityShare, v.observations])).toEqual([
      ['truck', 'e7', 1, 2],
      ['ann', 'e1', 0.75, 4],
      ['bob', 'e3', 2 / 3, 3],
      ['ann', 'e1', 1, 2],
    ]);
    expect(m.perVisit[2]!.entities).toEqual([
      { entity: 'e3', observations: 2 },
      { entity: null, observations: 1 },
    ]);
    expect(m.identityOf).toEqual([
      'ann',
      'ann',
      'ann',
      'ann',
      'bob',
      'bob',
      'bob',
      'ann',
      'ann',
      null,
      null,
      'truck',
      'truck',
    ]);
  });

  it('counts an entity spanning two people as merging, and a returning person in new entities as not reunited', () => {
    const m = evaluateVisits(truth, [
      obs(1, 'e1'),
      obs(2, 'e1'),
      obs(16, 'e1'), // bob in ann's entity: e1 merges ann and bob
      obs(17, 'e1'),
      obs(31, 'e2'),
      obs(32, 'e2'), // ann comes back as e2
    ]);
    expect(m).toMatchObject({
      entitiesMatched: 2,
      mergingEntities: 1,
      mergingEntityFraction: 0.5,
      splitVisits: 0,
      returningIdentities: 1,
      reunitedIdentities: 0,
      visitsFound: 3, // the truck was never seen
    });
    // ann: e1 ×2, e2 ×2; bob: e1 ×2 → e1 holds 2 of ann and 2 of bob: purity (2 + 2) / 6.
    expect(m.purity).toBeCloseTo(4 / 6, 12);
    expect(m.perVisit.find((v) => v.identity === 'truck')).toMatchObject({
      observations: 0,
      majorityEntity: null,
      majorityShare: 0,
      entities: [],
    });
  });

  it('gives ARI 1 and purity 1 when entities are the identities, and is the same whatever the input order', () => {
    const observations = [obs(1, 'x'), obs(2, 'x'), obs(20, 'y'), obs(21, 'y'), obs(35, 'x'), obs(36, 'x')];
    const m = evaluateVisits(truth, observations);
    expect(m.ari).toBe(1);
    expect(m.purity).toBe(1);
    expect(m.reunitedIdentities).toBe(1);
    const reversed = evaluateVisits(truth, [...observations].reverse());
    expect({ ...reversed, identityOf: null }).toEqual({ ...m, identityOf: null });
  });

  it('breaks a tie for the majority entity by first appearance, and leaves noise out of it', () => {
    const m = evaluateVisits(truth, [
      obs(3, 'late'),
      obs(1, null),
      obs(2, null),
      obs(4, 'early'),
      obs(0.5, 'early'),
      obs(5, 'late'),
    ]);
    const ann = m.perVisit.find((v) => v.identity === 'ann')!;
    expect(ann.majorityEntity).toBe('early');
    expect(ann.majorityShare).toBeCloseTo(2 / 6, 12);
    expect(m.noiseFraction).toBeCloseTo(2 / 6, 12);
  });

  it('scores nothing as 0 without dividing by zero', () => {
    const m = evaluateVisits(truth, []);
    expect(m).toMatchObject({
      ari: 0,
      purity: 0,
      splitVisitFraction: 0,
      mergingEntityFraction: 0,
      inVisits: 0,
    });
  });
});
