import { hdbscanOnThisThread } from '@orion/hdbscan';
import type { ClusteringSettings } from '@orion/shared';

/** Which vectors a unit is compared by: the general embedding, or a re-id vector (people). */
export type VectorSpace = 'general' | 'reid';

/** A thing to cluster: an observation, or a tracklet standing for its observations. */
export interface Unit {
  embedding: Float32Array | null;
  /** Units are only grouped with units of the same space (distances across spaces mean nothing). */
  space: VectorSpace;
}

/** The unit for a thing with these vectors: its re-id vector where it has one, else its embedding. */
export function unitOf(embedding: Float32Array | null, reid: Float32Array | null): Unit {
  return reid ? { embedding: reid, space: 'reid' } : { embedding, space: 'general' };
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
