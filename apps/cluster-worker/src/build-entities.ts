import type { Entity, Observation } from '@orion/shared';
import type { GatheredObservation } from './gather.js';

/** A group of observations that the run decided are one physical object. */
export interface Member {
  obs: GatheredObservation;
  tracklet: number | null;
  probability: number;
}

export interface BuiltEntity {
  entity: Omit<Entity, 'flaggedObservations' | 'likelyFalsePositive'>;
  members: Member[];
  centroid: Float32Array;
  /** Mean re-id vector of the members that have one (unit length); all zero when none has. */
  reidCentroid: Float32Array;
}

const area = (b: [number, number, number, number]) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

/** The most frequent label, ties to the larger summed detector score. */
export function majority(items: { label: string; score: number }[]): {
  label: string;
  counts: Record<string, number>;
  share: number;
} {
  const counts: Record<string, number> = {};
  const scores: Record<string, number> = {};
  for (const { label, score } of items) {
    counts[label] = (counts[label] ?? 0) + 1;
    scores[label] = (scores[label] ?? 0) + score;
  }
  const label = Object.keys(counts).sort((a, b) => counts[b]! - counts[a]! || scores[b]! - scores[a]!)[0]!;
  return { label, counts, share: counts[label]! / Math.max(1, items.length) };
}

function centroidOf(vectors: (Float32Array | null | undefined)[], dim: number): Float32Array {
  const c = new Float32Array(dim);
  for (const v of vectors) if (v && v.length === dim) for (let i = 0; i < dim; i++) c[i]! += v[i]!;
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += c[i]! * c[i]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dim; i++) c[i]! /= norm;
  return c;
}

/** Entities from groups of members, numbered in order of first appearance. */
export function buildEntities(groups: Member[][], dim: number, reidDim = 0): BuiltEntity[] {
  const sorted = groups
    .filter((g) => g.length > 0)
    .map((g) => [...g].sort((a, b) => a.obs.detection.t - b.obs.detection.t))
    .sort((a, b) => a[0]!.obs.detection.t - b[0]!.obs.detection.t);
  const width = String(sorted.length).length;
  return sorted.map((members, i) => {
    const { label, counts } = majority(
      members.map((m) => ({ label: m.obs.detection.label, score: m.obs.detection.score })),
    );
    // Representative crop: the most confident detection, the larger box breaking ties.
    const rep = members.reduce((best, m) =>
      m.obs.detection.score > best.obs.detection.score ||
      (m.obs.detection.score === best.obs.detection.score &&
        area(m.obs.detection.box) > area(best.obs.detection.box))
        ? m
        : best,
    );
    const tracklets = new Set(members.map((m) => m.tracklet).filter((t) => t !== null));
    return {
      members,
      centroid: centroidOf(
        members.map((m) => m.obs.embedding),
        dim,
      ),
      // Re-id vectors are non-negative OSNet features: their mean, normalised, as the per-observation
      // cosine in the cluster stage compares them.
      reidCentroid: centroidOf(
        members.map((m) => m.obs.reid),
        reidDim,
      ),
      entity: {
        id: `e${String(i + 1).padStart(width, '0')}`,
        label,
        classDistribution: counts,
        observationCount: members.length,
        trackletCount: tracklets.size,
        firstSeen: members[0]!.obs.detection.t,
        lastSeen: members.at(-1)!.obs.detection.t,
        representative: rep.obs.id,
        meanProbability: members.reduce((s, m) => s + m.probability, 0) / members.length,
        centroidRow: i,
      },
    };
  });
}

export function observationRecord(
  m: Member,
  entityId: string | null,
  flag: Observation['flag'],
): Observation {
  const d = m.obs.detection;
  return {
    id: m.obs.id,
    shard: m.obs.shard,
    detection: d.id,
    frame: d.frame,
    t: d.t,
    box: d.box,
    label: d.label,
    score: d.score,
    entity: entityId,
    tracklet: m.tracklet === null ? null : `t${m.tracklet}`,
    probability: Math.min(1, Math.max(0, m.probability)),
    verification: m.obs.verification,
    flag,
  };
}
