import { hdbscanOnThisThread } from '@orion/hdbscan';
import type { ClusteringSettings } from '@orion/shared';

/** A thing to cluster: an observation, or a tracklet standing for its observations. */
export interface Unit {
  embedding: Float32Array | null;
}

export interface Grouping {
  /** Group per unit; −1 = noise (or a unit without an embedding). */
  labels: Int32Array;
  probabilities: Float64Array;
  groupCount: number;
}

/**
 * HDBSCAN (cosine) over the units that have an embedding. Units that must not share a group
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
  const withEmbedding = units.flatMap((u, i) => (u.embedding ? [i] : []));
  let groupCount = 0;
  if (withEmbedding.length >= Math.max(2, params.minClusterSize)) {
    const dim = units[withEmbedding[0]!]!.embedding!.length;
    const data = new Float32Array(withEmbedding.length * dim);
    withEmbedding.forEach((u, r) => data.set(units[u]!.embedding!, r * dim));
    const result = await hdbscanOnThisThread(
      { data, rows: withEmbedding.length, cols: dim },
      {
        minClusterSize: params.minClusterSize,
        minSamples: Math.min(params.minSamples, withEmbedding.length - 1),
        clusterSelectionEpsilon: params.clusterSelectionEpsilon,
        clusterSelectionMethod: params.clusterSelectionMethod,
        metric: 'cosine',
        threads: 1,
      },
    );
    withEmbedding.forEach((u, r) => {
      labels[u] = result.labels[r]!;
      probabilities[u] = result.probabilities[r]!;
    });
    groupCount = result.clusterCount;
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
