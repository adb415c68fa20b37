import { hdbscanOnThisThread } from '@orion/hdbscan';
import type { ClusteringSettings } from '@orion/shared';
import { attachShortUnits, type AttachSettings } from './attach-short-units.js';
import { cutByCompleteLinkage } from './complete-linkage.js';

/** Which vectors a unit is compared by: the general embedding, or a re-id vector (people). */
export type VectorSpace = 'general' | 'reid';

/** A thing to cluster: an observation, or a tracklet standing for its observations. */
export interface Unit {
  embedding: Float32Array | null;
  /** Units are only grouped with units of the same space (distances across spaces mean nothing). */
  space: VectorSpace;
  /** Detections behind the vector (a tracklet's length); the re-id cut only trusts means of several. */
  support?: number;
  /** First and last time (s) of a tracklet: short re-id units join a neighbour in time. */
  span?: readonly [number, number];
}

/** The unit for a thing with these vectors: its re-id vector where it has one, else its embedding. */
export function unitOf(embedding: Float32Array | null, reid: Float32Array | null): Unit {
  return reid ? { embedding: reid, space: 'reid' } : { embedding, space: 'general' };
}

/**
 * Largest cosine distance between two tracklets of one person in the re-id space (a group is cut by
 * complete linkage at it), measured for osnet_x0_25_msmt17 (docs/clustering.md, "Re-id vectors"):
 * tracklet means of two different people lay ≥ 0.126 apart on the fixtures, so 0.1 keeps a margin.
 * HDBSCAN alone chains look-alike people (B and D of the one-by-one video) through their neighbours.
 */
export const REID_MAX_GROUP_DIAMETER = 0.1;
/**
 * Tracklets of fewer detections take no part in that cut: the mean of one or two crops of a small or
 * half-hidden person strays up to 0.45 from the person's other tracklets (TUD-Campus at 25 fps), and
 * cutting on it split people without separating anyone.
 */
export const REID_MIN_SUPPORT = 3;

export interface GroupOptions {
  /** Cut re-id groups so no two members are farther apart than this; null: no cut. */
  reidMaxDiameter: number | null;
  /** Units backed by fewer detections than this take no part in the cut's distances. Default 1. */
  reidMinSupport?: number;
  /**
   * Short re-id units (support < reidMinSupport) join the group of the closest supported unit within
   * this time gap and distance (the tracker's own reach), whatever HDBSCAN made of them; null: no.
   */
  reidAttach?: AttachSettings | null;
}

export interface Grouping {
  /** Group per unit; −1 = noise (or a unit without an embedding). */
  labels: Int32Array;
  probabilities: Float64Array;
  groupCount: number;
}

/**
 * HDBSCAN (cosine) over the units that have an embedding, run per vector space. Units that must not share a group
 * (`cannotLink`, e.g. tracklets seen in the same frame) are separated afterwards: each group is split
 * greedily, members taken strongest first, into the fewest parts with no forbidden pair.
 */
export async function groupUnits(
  units: Unit[],
  params: ClusteringSettings,
  cannotLink: [number, number][] = [],
  options: GroupOptions = { reidMaxDiameter: null },
): Promise<Grouping> {
  const labels = new Int32Array(units.length).fill(-1);
  const probabilities = new Float64Array(units.length);
  let groupCount = 0;
  // Each space on its own; group numbers of the later space follow those of the earlier one.
  for (const space of ['general', 'reid'] as const) {
    const members = units.flatMap((u, i) => (u.embedding && u.space === space ? [i] : []));
    if (members.length < Math.max(2, params.minClusterSize)) continue;
    const dim = units[members[0]!]!.embedding!.length;
    const data = new Float32Array(members.length * dim);
    members.forEach((u, r) => data.set(units[u]!.embedding!, r * dim));
    const result = await hdbscanOnThisThread(
      { data, rows: members.length, cols: dim },
      {
        minClusterSize: params.minClusterSize,
        minSamples: Math.min(params.minSamples, members.length - 1),
        clusterSelectionEpsilon: params.clusterSelectionEpsilon,
        clusterSelectionMethod: params.clusterSelectionMethod,
        metric: 'cosine',
        threads: 1,
      },
    );
    members.forEach((u, r) => {
      const label = result.labels[r]!;
      labels[u] = label >= 0 ? label + groupCount : -1;
      probabilities[u] = result.probabilities[r]!;
    });
    groupCount += result.clusterCount;
    if (space === 'reid' && options.reidMaxDiameter !== null) {
      groupCount = cutGroups(
        members,
        units,
        labels,
        groupCount,
        options.reidMaxDiameter,
        options.reidMinSupport ?? 1,
      );
    }
    if (space === 'reid' && options.reidAttach) {
      groupCount = attachShortUnits(members, units, labels, groupCount, cannotLink, {
        ...options.reidAttach,
        minSupport: options.reidMinSupport ?? 1,
      });
    }
  }
  if (cannotLink.length === 0) return { labels, probabilities, groupCount };

  const forbidden = new Map<number, Set<number>>();
  for (const [a, b] of cannotLink) {
    (forbidden.get(a) ?? forbidden.set(a, new Set()).get(a)!).add(b);
    (forbidden.get(b) ?? forbidden.set(b, new Set()).get(b)!).add(a);
  }
  const members = new Map<number, number[]>();
  labels.forEach((g, u) => {
    if (g >= 0) (members.get(g) ?? members.set(g, []).get(g)!).push(u);
  });
  let next = groupCount;
  for (const list of members.values()) {
    const parts: number[][] = [];
    for (const u of [...list].sort((a, b) => probabilities[b]! - probabilities[a]!)) {
      const part = parts.find((p) => p.every((v) => !forbidden.get(u)?.has(v)));
      if (part) part.push(u);
      else parts.push([u]);
    }
    parts.slice(1).forEach((part) => {
      for (const u of part) labels[u] = next;
      next++;
    });
  }
  return { labels, probabilities, groupCount: next };
}

/** Cuts each group among `members` by complete linkage at `cap`; returns the new group count. */
function cutGroups(
  members: number[],
  units: Unit[],
  labels: Int32Array,
  groupCount: number,
  cap: number,
  minSupport: number,
): number {
  const byGroup = new Map<number, number[]>();
  for (const u of members)
    if (labels[u]! >= 0) (byGroup.get(labels[u]!) ?? byGroup.set(labels[u]!, []).get(labels[u]!)!).push(u);
  let next = groupCount;
  for (const list of byGroup.values()) {
    const parts = cutByCompleteLinkage(
      list.map((u) => units[u]!.embedding!),
      cap,
      list.map((u) => (units[u]!.support ?? 1) >= minSupport),
    );
    for (const part of parts.slice(1)) {
      for (const k of part) labels[list[k]!] = next;
      next++;
    }
  }
  return next;
}
