import type { Observation } from '@orion/shared';
import { majority, type BuiltEntity, type Member } from './build-entities.js';

/** A consensus counts only with enough members and a clear majority: one vote is not evidence. */
export const CONSENSUS_MIN_MEMBERS = 3;
export const CONSENSUS_MIN_SHARE = 0.6;
/** Below this, a zero-shot "best" label is a guess among near-zero scores, not a suggestion. */
export const MIN_SUGGESTION_PROBABILITY = 0.2;

type Flag = NonNullable<Observation['flag']>;

interface Consensus {
  label: string;
  share: number;
  size: number;
}

function consensusOf(members: Member[]): Consensus | null {
  if (members.length < CONSENSUS_MIN_MEMBERS) return null;
  const m = majority(members.map((x) => ({ label: x.obs.detection.label, score: x.obs.detection.score })));
  return m.share >= CONSENSUS_MIN_SHARE ? { label: m.label, share: m.share, size: members.length } : null;
}

/**
 * Flags an observation when its detector class disagrees with its tracklet's consensus (the strongest
 * evidence: the same object, frame to frame), with its entity's consensus, or when class verification
 * says its crop does not look like its class (medium or high confidence). The suggestion follows the
 * same order of trust. Also marks likely false positives (see `isLikelyFalsePositive`).
 */
export function flagObservations(
  entities: BuiltEntity[],
  trackletMembers: Map<number, Member[]>,
): { flags: Map<string, Flag>; falsePositives: Set<string> } {
  const flags = new Map<string, Flag>();
  const falsePositives = new Set<string>();
  const trackletConsensus = new Map<number, Consensus | null>();
  for (const [t, members] of trackletMembers) trackletConsensus.set(t, consensusOf(members));

  for (const { entity, members } of entities) {
    const entityConsensus = consensusOf(members);
    let verified = 0;
    let failing = 0;
    let judged = 0;
    let noObject = 0;
    for (const m of members) {
      const label = m.obs.detection.label;
      const reasons: Flag['reasons'] = [];
      const evidence: Flag['evidence'] = { detectorScore: Number(m.obs.detection.score.toFixed(4)) };
      let suggested: string | null = null;
      const tc = m.tracklet === null ? null : trackletConsensus.get(m.tracklet);
      if (tc && tc.label !== label) {
        reasons.push('tracklet-consensus');
        evidence.trackletConsensus = tc.label;
        evidence.trackletShare = Number(tc.share.toFixed(3));
        evidence.trackletSize = tc.size;
        suggested ??= tc.label;
      }
      if (entityConsensus && entityConsensus.label !== label) {
        reasons.push('entity-consensus');
        evidence.entityConsensus = entityConsensus.label;
        evidence.entityShare = Number(entityConsensus.share.toFixed(3));
        suggested ??= entityConsensus.label;
      }
      const v = m.obs.verification;
      if (v?.status === 'verified') {
        verified++;
        if (!v.isMatch) failing++;
        if (v.verdict) judged++;
        if (v.verdict === 'no-object') noObject++;
        if (!v.isMatch && v.confidence !== 'low') {
          reasons.push('verification');
          evidence.verificationProbability = Number(v.probability.toFixed(4));
          evidence.verificationConfidence = v.confidence;
          evidence.verificationSuggestion = v.suggestedClass;
          if (v.verdict) evidence.verdict = v.verdict;
          if (v.similarity !== null) evidence.similarity = Number(v.similarity.toFixed(4));
          // A suggestion only when the crop looks more like it than like the detector's class, and
          // never for a crop judged to hold no object at all.
          if (
            v.verdict !== 'no-object' &&
            v.suggestedClass !== label &&
            v.suggestedProbability > Math.max(v.probability, MIN_SUGGESTION_PROBABILITY)
          ) {
            suggested ??= v.suggestedClass;
          }
        }
      }
      if (reasons.length) flags.set(m.obs.id, { reasons, suggestedClass: suggested, evidence });
    }
    if (isLikelyFalsePositive({ verified, failing, judged, noObject })) falsePositives.add(entity.id);
  }
  return { flags, falsePositives };
}

/**
 * An entity is likely a false positive when most of its members were judged to hold no object
 * (`verdict` no-object: the label check's calibrated call). Shards written before verdicts existed
 * fall back to "most verified members fail", which cannot tell a wrong class from no object.
 * Either way a few members must have been judged: one vote is not evidence.
 */
export function isLikelyFalsePositive(c: {
  verified: number;
  failing: number;
  judged: number;
  noObject: number;
}): boolean {
  if (c.judged >= CONSENSUS_MIN_MEMBERS) return c.noObject / c.judged > 0.5;
  if (c.judged > 0) return false;
  return c.verified >= CONSENSUS_MIN_MEMBERS && c.failing / c.verified > 0.5;
}
