import type { Classification, Confidence, Verification } from './types.js';

/**
 * A backend's scores of one image against a list of labels, aligned with that list. A null
 * probability means the backend cannot judge the label at all.
 */
export interface LabelScores {
  labels: readonly string[];
  probability: readonly (number | null)[];
  similarity: readonly (number | null)[];
  /** Why a label with a null probability cannot be judged. */
  reasonFor(label: string): string;
}

/** Probability from which a ranking is called clear. */
const CLEAR = 0.5;

export const DEFAULT_VERIFY_THRESHOLD = 0.3;

export function assertThreshold(threshold: number): void {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`verification threshold must be in (0, 1], got ${threshold}`);
  }
}

/** Every label once, in first-seen order (the class under test may already be a candidate). */
export function withLabel(candidates: readonly string[], label: string): string[] {
  return [...new Set([...candidates, label])];
}

/** The highest-probability label the backend can judge, or undefined when it can judge none. */
function best(scores: LabelScores): { label: string; probability: number } | undefined {
  let top: { label: string; probability: number } | undefined;
  scores.probability.forEach((p, i) => {
    if (p !== null && (!top || p > top.probability)) top = { label: scores.labels[i]!, probability: p };
  });
  return top;
}

/**
 * The rule for `confidence`, the same for every backend:
 * - `high`: the ranking agrees with the verdict and is clear: a match whose class ranks first with
 *   probability ≥ 0.5, or a mismatch where another class ranks first with probability ≥ 0.5;
 * - `medium`: the ranking agrees with the verdict (match and first, or mismatch and not first);
 * - `low`: they disagree (above the threshold but another class ranks higher, or below it yet first).
 */
export function confidenceOf(isMatch: boolean, ranksFirst: boolean, topProbability: number): Confidence {
  if (isMatch !== ranksFirst) return 'low';
  return topProbability >= CLEAR ? 'high' : 'medium';
}

export function verificationFrom(scores: LabelScores, className: string, threshold: number): Verification {
  const i = scores.labels.indexOf(className);
  if (i < 0) throw new Error(`"${className}" is not among the scored labels`);
  const probability = scores.probability[i] ?? null;
  const top = best(scores);
  if (probability === null) {
    return {
      status: 'unverifiable',
      className,
      isMatch: null,
      similarity: null,
      probability: null,
      confidence: null,
      suggestedClass: top?.label ?? null,
      suggestedProbability: top?.probability ?? null,
      threshold,
      reason: scores.reasonFor(className),
    };
  }
  // `top` exists: the class itself has a probability.
  const suggested = top!;
  const isMatch = probability >= threshold;
  const ranksFirst = suggested.label === className;
  return {
    status: 'verified',
    className,
    isMatch,
    similarity: scores.similarity[i] ?? null,
    probability,
    confidence: confidenceOf(isMatch, ranksFirst, suggested.probability),
    suggestedClass: suggested.label,
    suggestedProbability: suggested.probability,
    threshold,
  };
}

export function classificationFrom(scores: LabelScores): Classification {
  const ranked: Classification['ranked'] = [];
  const unverifiable: string[] = [];
  scores.labels.forEach((label, i) => {
    const p = scores.probability[i];
    if (p === null || p === undefined) unverifiable.push(label);
    else ranked.push({ label, probability: p, similarity: scores.similarity[i] ?? null });
  });
  ranked.sort((a, b) => b.probability - a.probability);
  return { ranked, unverifiable };
}
