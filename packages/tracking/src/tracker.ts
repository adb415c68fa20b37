import { assignWithCostLimit } from './assignment.js';
import { associationCosts, type AssociationPass, type Candidate } from './association-cost.js';
import { cannotLinkPairs } from './cannot-link.js';
import { validateAndGroup } from './input-frames.js';
import { resolveTrackerOptions, type TrackerOptionsInput } from './options.js';
import { Track } from './track.js';
import { summariseTracklets } from './tracklet-summary.js';
import type { TrackDetection, TrackingResult } from './types.js';

/**
 * Links the detections of a whole video into tracklets, frame by frame in time order:
 *
 * 1. every live track's constant-velocity Kalman filter predicts its box at the frame's time;
 * 2. first pass: high-score detections ↔ live tracks, cost = motion (Mahalanobis distance of the
 *    box) mixed with appearance (cosine distance) when both have embeddings, plus a class-switch
 *    cost, gated, solved optimally (Hungarian) with a cost limit; tracks matched on the previous
 *    sample (and new ones) choose first, coasting tracks then take what is left;
 * 3. second pass (ByteTrack): low-score detections ↔ the confirmed tracks left that were matched on
 *    the previous sample, motion only; then the low-score detections left ↔ coasting tracks, only
 *    where both have re-id vectors within the coasting gate (occluded people score low);
 * 4. unmatched tentative tracks end, unmatched confirmed tracks coast (lost) until `maxLostSeconds`
 *    after their last detection; unmatched detections scoring ≥ `newTrackScore` start tracks, any
 *    other leftover becomes a one-detection tracklet.
 *
 * Every input detection ends up in exactly one tracklet. Detections of one frame share its time.
 */
export function buildTracklets<Id>(
  detections: readonly TrackDetection<Id>[],
  optionsInput: TrackerOptionsInput = {},
): TrackingResult<Id> {
  const options = resolveTrackerOptions(optionsInput);
  const { frames, embeddings, reids } = validateAndGroup(detections);
  const candidate = (i: number): Candidate => ({
    box: detections[i]!.box,
    label: detections[i]!.label,
    embedding: embeddings[i]!,
    reid: reids[i]!,
  });

  const finished: number[][] = [];
  let live: Track[] = [];
  let previousTime = -Infinity;

  for (const frame of frames) {
    const t = frame.t;
    // End tracks that have coasted too long; the rest predict to this frame's time.
    live = live.filter((track) => {
      if (t - track.lastSeen <= options.maxLostSeconds) return true;
      finished.push(track.detections);
      return false;
    });
    for (const track of live) track.predictTo(t);

    const high = frame.detections.filter((i) => detections[i]!.score >= options.highScore);
    const low = frame.detections.filter((i) => {
      const s = detections[i]!.score;
      return s < options.highScore && s >= options.lowScore;
    });
    const matched = new Set<Track>();
    const used = new Set<number>();
    const link = (pool: Track[], dets: number[], pass: AssociationPass, maxCost: number) => {
      const costs = associationCosts(pool, dets.map(candidate), options, pass);
      for (const [r, c] of assignWithCostLimit(costs, dets.length, maxCost).matches) {
        const d = detections[dets[c]!]!;
        pool[r]!.add(dets[c]!, d.box, t, d.label, embeddings[dets[c]!]!, reids[dets[c]!]!);
        matched.add(pool[r]!);
        used.add(dets[c]!);
      }
    };

    // Tracks seen on the previous sample choose first, so a coasting track (whose uncertainty has
    // grown) cannot take the detection of an object that is being followed (DeepSORT's cascade).
    const active = live.filter((tr) => tr.lastSeen === previousTime);
    const lost = live.filter((tr) => tr.lastSeen !== previousTime);
    link(active, high, 'active', options.matchThreshold);
    link(
      lost,
      high.filter((i) => !used.has(i)),
      'lost',
      options.matchThreshold,
    );
    const activeLeft = active.filter((tr) => !matched.has(tr) && tr.state === 'confirmed');
    link(activeLeft, low, 'low-active', options.lowScoreMatchThreshold);
    // A person half hidden while their track coasts scores low: re-id can still tell it is them.
    link(
      lost.filter((tr) => !matched.has(tr)),
      low.filter((i) => !used.has(i)),
      'low-lost',
      options.lowScoreMatchThreshold,
    );

    live = live.filter((track) => {
      if (matched.has(track)) return true;
      if (track.state === 'tentative') {
        finished.push(track.detections);
        return false;
      }
      track.state = 'lost';
      return true;
    });
    for (const i of frame.detections) {
      if (used.has(i)) continue;
      const d = detections[i]!;
      if (d.score >= options.newTrackScore) {
        live.push(new Track(i, d.box, t, d.label, embeddings[i]!, reids[i]!, options));
      } else {
        finished.push([i]);
      }
    }
    previousTime = t;
  }
  for (const track of live) finished.push(track.detections);

  const { tracklets, trackletOfIndex } = summariseTracklets(detections, embeddings, frames, finished, reids);
  const trackletOf = new Map<Id, number>(detections.map((d, i) => [d.id, trackletOfIndex[i]!]));
  return { tracklets, trackletOfIndex, trackletOf, cannotLink: cannotLinkPairs(tracklets) };
}
