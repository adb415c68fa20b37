import { coverage } from './box.js';
import type { InputFrame } from './input-frames.js';
import type { TrackDetection, Tracklet } from './types.js';
import { normalised } from './vector.js';

/**
 * How trustworthy a detection's appearance is: its score times the share of its box no other
 * detection of the frame covers (a crop of a half-hidden person is half the occluder).
 */
export function appearanceQuality(
  detections: readonly TrackDetection<unknown>[],
  frames: readonly InputFrame[],
): Float64Array {
  const quality = new Float64Array(detections.length);
  for (const frame of frames) {
    for (const i of frame.detections) {
      let covered = 0;
      for (const j of frame.detections) {
        if (j !== i) covered = Math.max(covered, coverage(detections[i]!.box, detections[j]!.box));
      }
      quality[i] = detections[i]!.score * (1 - covered);
    }
  }
  return quality;
}

/**
 * Turns groups of detection indices into tracklets ordered by first appearance (frame, then input
 * order), with class consensus, times and the quality-weighted mean embedding.
 */
export function summariseTracklets<Id>(
  detections: readonly TrackDetection<Id>[],
  embeddings: readonly (Float32Array | null)[],
  frames: readonly InputFrame[],
  groups: readonly number[][],
  reids: readonly (Float32Array | null)[] = [],
): { tracklets: Tracklet<Id>[]; trackletOfIndex: Int32Array } {
  const quality = appearanceQuality(detections, frames);
  const byTime = (a: number, b: number) => detections[a]!.frame - detections[b]!.frame || a - b;
  const ordered = groups.map((g) => [...g].sort(byTime)).sort((a, b) => byTime(a[0]!, b[0]!));
  const trackletOfIndex = new Int32Array(detections.length).fill(-1);
  const tracklets = ordered.map((members, id): Tracklet<Id> => {
    for (const i of members) trackletOfIndex[i] = id;
    const first = detections[members[0]!]!;
    const last = detections[members[members.length - 1]!]!;
    const counts: Record<string, number> = {};
    const scoreSums = new Map<string, number>();
    let scoreSum = 0;
    for (const i of members) {
      const d = detections[i]!;
      counts[d.label] = (counts[d.label] ?? 0) + 1;
      scoreSums.set(d.label, (scoreSums.get(d.label) ?? 0) + d.score);
      scoreSum += d.score;
    }
    const label = Object.keys(counts).reduce((best, l) =>
      counts[l]! > counts[best]! || (counts[l] === counts[best] && scoreSums.get(l)! > scoreSums.get(best)!)
        ? l
        : best,
    );
    const { embedding, weight } = weightedMean(members, embeddings, quality);
    const reid = reids.length ? weightedMean(members, reids, quality).embedding : null;
    return {
      id,
      label,
      labelCounts: counts,
      detectionIds: members.map((i) => detections[i]!.id),
      frames: members.map((i) => detections[i]!.frame),
      firstFrame: first.frame,
      lastFrame: last.frame,
      firstTime: first.t,
      lastTime: last.t,
      meanScore: scoreSum / members.length,
      embedding,
      embeddingWeight: weight,
      reid,
    };
  });
  return { tracklets, trackletOfIndex };
}

function weightedMean(
  members: readonly number[],
  embeddings: readonly (Float32Array | null)[],
  quality: Float64Array,
): { embedding: Float32Array | null; weight: number } {
  const withEmbedding = members.filter((i) => embeddings[i]);
  if (withEmbedding.length === 0) return { embedding: null, weight: 0 };
  let weight = withEmbedding.reduce((s, i) => s + quality[i]!, 0);
  // Fully covered, zero-score detections only: every one counts the same rather than not at all.
  const uniform = !(weight > 0);
  if (uniform) weight = withEmbedding.length;
  const sum = new Float64Array(embeddings[withEmbedding[0]!]!.length);
  for (const i of withEmbedding) {
    const w = uniform ? 1 : quality[i]!;
    const e = embeddings[i]!;
    for (let k = 0; k < sum.length; k++) sum[k]! += w * e[k]!;
  }
  return { embedding: normalised(sum), weight: uniform ? 0 : weight };
}
