import type { LabelVerdict } from '@orion/shared';
import type { FrameContext } from './frame-context.js';
import { FEATURES, featureVector, type LabelEvidence } from './evidence.js';
import { predictLogistic, type LogisticModel } from './logistic.js';

/** The versioned parameters file's shape (params.vN.json, written by `npm run fit:labels`). */
export interface LabelCheckParams extends LogisticModel {
  version: number;
  features: string[];
  /** The operating point: a label whose probability is below it is flagged. */
  flagBelow: number;
}

/** Where a suggested class can come from besides the evidence itself. */
export interface SuggestionSources {
  /** The embedding model's best other class (null: none, or it cannot judge). */
  embedding: string | null;
  /** The detector's next class in its top 5. */
  detectorNext: string | null;
}

export interface LabelCheck {
  /** Calibrated probability that the label is right. */
  probability: number;
  isMatch: boolean;
  confidence: 'high' | 'medium';
  /** The class to put instead; the label itself when no source offers another. */
  suggestedClass: string;
  verdict: LabelVerdict;
}

/** A stronger detection of another label on nearly the same box: the label most likely meant. */
export const FRAME_SUGGESTION_IOU = 0.7;
/** The second look's score for another class there above which a flagged label reads as the wrong class. */
export const SECOND_OTHER_CLASS_SCORE = 0.6;

function sameBoxOtherLabel(f: FrameContext | null): string | null {
  return f && f.higherOtherLabel && f.iouHigherOther >= FRAME_SUGGESTION_IOU ? f.higherOtherLabel : null;
}

/**
 * The suggested class (measured in bench:labels): a stronger detection of another label on the
 * same box, else the second detector's best class there when it differs, else the embedding
 * model's, else the detector's next class.
 */
export function suggestClass(e: LabelEvidence, sources: SuggestionSources): string | null {
  const second = e.second?.bestLabel && e.second.bestLabel !== e.label ? e.second.bestLabel : null;
  const embedding = sources.embedding !== e.label ? sources.embedding : null;
  return sameBoxOtherLabel(e.frame) ?? second ?? embedding ?? sources.detectorNext;
}

/**
 * What a flagged label most likely is: the wrong class when another class is seen on the same box
 * (a stronger detection of it, or the second detector sure of it), else no object.
 */
export function verdictOf(e: LabelEvidence, isMatch: boolean): LabelVerdict {
  if (isMatch) return 'correct';
  const secondOther =
    e.second?.bestLabel && e.second.bestLabel !== e.label && e.second.bestScore >= SECOND_OTHER_CLASS_SCORE;
  return sameBoxOtherLabel(e.frame) || secondOther ? 'wrong-class' : 'no-object';
}

/** Refuses a parameters file with features this code does not compute, or weights that do not fit them. */
export function assertParamsMatch(params: LabelCheckParams): void {
  const names = FEATURES.map((f) => f.name);
  const unknown = params.features.filter((f) => !names.includes(f));
  const n = params.features.length;
  if (unknown.length || params.weights.length !== n || params.mean.length !== n || params.std.length !== n)
    throw new Error(
      `label-check params v${params.version} do not fit this code (features it does not compute: ` +
        `[${unknown.join(', ')}]; ${params.weights.length} weights for ${n} features): refit with npm run fit:labels`,
    );
}

/** The features a model uses, by name, out of the full feature vector. */
export function selectFeatures(vector: readonly number[], names: readonly string[]): number[] {
  return names.map((name) => vector[FEATURES.findIndex((f) => f.name === name)]!);
}

/**
 * The label check of one detection: calibrated probability, verdict and suggestion. The probability
 * uses the features the parameters name; the second look, when given, refines the suggestion and
 * verdict (the embed stage runs it on flagged crops only: see `needsSecondLook`).
 */
export function checkLabel(
  e: LabelEvidence,
  sources: SuggestionSources,
  params: LabelCheckParams,
): LabelCheck {
  const probability = predictLogistic(params, selectFeatures(featureVector(e), params.features));
  const isMatch = probability >= params.flagBelow;
  // High when the probability lies in the outer half on its side of the threshold.
  const far = isMatch ? probability >= (1 + params.flagBelow) / 2 : probability < params.flagBelow / 2;
  return {
    probability,
    isMatch,
    confidence: far ? 'high' : 'medium',
    suggestedClass: suggestClass(e, sources) ?? e.label,
    verdict: verdictOf(e, isMatch),
  };
}

/** Whether the model's own features need the second look (else it serves suggestions only). */
export const needsSecondLook = (params: LabelCheckParams): boolean =>
  params.features.some((name) => FEATURES.find((f) => f.name === name)?.group === 'second');
