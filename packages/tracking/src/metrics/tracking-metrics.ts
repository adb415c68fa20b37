import type { EvalObservation } from '../eval/identity-metrics.js';
import type { MotGroundTruth } from '../eval/mot-ground-truth.js';
import { clearMot, type ClearMot } from './clear-mot.js';
import { hota, type Hota } from './hota.js';
import { identityScores, type IdentityScores } from './identity-scores.js';
import { buildTrackingSequence } from './tracking-sequence.js';

/** The MOTChallenge / TrackEval scores of entities (or tracklets) used as track ids. */
export interface TrackingMetrics extends ClearMot, IdentityScores {
  hota: number;
  detA: number;
  assA: number;
  locA: number;
  /** Distinct predicted tracks (entities, each noise observation one) and ground-truth identities scored. */
  predictedTracks: number;
  groundTruthTracks: number;
  /** Predictions left out because they lie on ignored ground truth. */
  ignoredPredictions: number;
  perAlpha: Hota['perAlpha'];
}

/**
 * CLEAR MOT, identity scores and HOTA of observations grouped into entities, against MOTChallenge
 * ground truth, over the given frames (the sampled ones: ground truth of frames never looked at is
 * not scored). Pure: no I/O, inputs untouched.
 */
export function evaluateTracking(
  truth: MotGroundTruth,
  observations: readonly EvalObservation[],
  options: { frames?: Iterable<number>; minIou?: number } = {},
): TrackingMetrics {
  const minIou = options.minIou ?? 0.5;
  if (!(minIou > 0 && minIou <= 1)) throw new RangeError(`minIou must be in (0, 1], got ${minIou}`);
  const seq = buildTrackingSequence(truth, observations, { frames: options.frames, minIou });
  const h = hota(seq);
  return {
    ...clearMot(seq, minIou),
    ...identityScores(seq, minIou),
    hota: h.hota,
    detA: h.detA,
    assA: h.assA,
    locA: h.locA,
    predictedTracks: seq.predTracks,
    groundTruthTracks: seq.gtTracks,
    ignoredPredictions: seq.ignoredPredictions,
    perAlpha: h.perAlpha,
  };
}
