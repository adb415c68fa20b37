import type { BoxXywh } from './box.js';
import type { TrackerOptions } from './options.js';
import type { Track } from './track.js';

/**
 * Which pass the costs are for: `active` (high-score detections ↔ tracks seen on the previous sample),
 * `lost` (what is left ↔ coasting tracks), `low-active` (ByteTrack's low-score pass: motion only) and
 * `low-lost` (low-score detections ↔ coasting tracks, only where re-id vectors vouch for the pair).
 */
export type AssociationPass = 'active' | 'lost' | 'low-active' | 'low-lost';

/** A detection as the cost sees it. */
export interface Candidate {
  box: BoxXywh;
  label: string;
  embedding: Float32Array | null;
  reid: Float32Array | null;
}

/**
 * The track × detection cost matrix, `Infinity` where a pair is gated out.
 *
 * Motion cost: the squared Mahalanobis distance of the detection from the track's predicted box
 * divided by the gate, so in [0, 1) for every pair that passes. Unlike IoU it weighs the offset by the
 * prediction's own uncertainty: a well-locked track at 25 fps tolerates a few pixels, a new track or
 * one sampled half a second later tolerates a stride, and a jump in box size counts against a pair
 * (people crossing at different depths differ most in height). With `withAppearance` and embeddings
 * on both sides, cost = (1 − w)·motion + w·(1 − cos), as in DeepSORT; a class different from the
 * track's majority adds `classSwitchCost`.
 *
 * Gates: Mahalanobis distance over `maxMahalanobis`, cosine distance over `maxAppearanceDistance`, a
 * class switch when `classSwitchCost` is null. Where both sides have a re-id vector, it replaces the
 * embedding, with its own weight and gate (`reidAppearanceWeight`, `reidMaxAppearanceDistance`): the
 * two vector kinds have different distance scales. A coasting track's uncertainty has grown, so motion
 * says less about who it is: its re-id gate is tighter (`reidLostMaxAppearanceDistance`).
 */
export function associationCosts(
  tracks: readonly Track[],
  candidates: readonly Candidate[],
  options: TrackerOptions,
  pass: AssociationPass,
): number[][] {
  const reidGate =
    pass === 'active' ? options.reidMaxAppearanceDistance : options.reidLostMaxAppearanceDistance;
  return tracks.map((track) =>
    candidates.map((c) => {
      let classCost = 0;
      if (c.label !== track.label) {
        if (options.classSwitchCost === null) return Infinity;
        classCost = options.classSwitchCost;
      }
      const d2 = track.mahalanobis(c.box);
      if (!(d2 <= options.maxMahalanobis)) return Infinity;
      const motion = d2 / options.maxMahalanobis;
      if (pass === 'low-active') return motion + classCost;
      const reid = track.reidDistance(c.reid);
      // A low-score detection only extends a coasting track on re-id evidence.
      if (pass === 'low-lost' && reid === null) return Infinity;
      const appearance = reid ?? track.appearanceDistance(c.embedding);
      if (appearance === null) return motion + classCost;
      const gate = reid === null ? options.maxAppearanceDistance : reidGate;
      if (appearance > gate) return Infinity;
      const w = reid === null ? options.appearanceWeight : options.reidAppearanceWeight;
      return (1 - w) * motion + w * appearance + classCost;
    }),
  );
}
