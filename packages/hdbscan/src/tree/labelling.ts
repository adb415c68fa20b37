import type { ClusterHierarchy } from './cluster-hierarchy.js';
import type { CondensedTree } from './condensed-tree.js';

export interface Labelling {
  /** Cluster label per point, −1 for noise; labels number the selected clusters by ascending id. */
  labels: Int32Array;
  /** Membership strength in [0, 1]; 0 for noise. */
  probabilities: Float64Array;
  /** Condensed-tree id of each label's cluster. */
  clusterIds: Int32Array;
}

export interface LabellingOptions {
  epsilon: number;
  allowSingleCluster: boolean;
}

/**
 * A point belongs to the nearest selected cluster at or above the cluster it fell out of; with none it
 * is noise. The root, when it is the one selected cluster (allowSingleCluster), only takes the points
 * that stay until its densest level (or until 1/ε with an epsilon), as the reference does.
 *
 * Probability: the point's lambda over the densest lambda among its cluster's own rows (capped at 1;
 * 1 where that density is 0 or the point's lambda is infinite, i.e. duplicates).
 */
export function labelPoints(
  tree: CondensedTree,
  h: ClusterHierarchy,
  selected: Uint8Array,
  options: LabellingOptions,
): Labelling {
  const { n, parent, child, lambda } = tree;
  const labelOf = new Int32Array(h.count).fill(-1);
  const clusterIdList: number[] = [];
  for (let c = 0; c < h.count; c++) {
    if (selected[c] === 1) {
      labelOf[c] = clusterIdList.length;
      clusterIdList.push(n + c);
    }
  }
  // The selected cluster each cluster lies in (itself, or its nearest selected ancestor), −1 if none.
  const owner = new Int32Array(h.count).fill(-1);
  for (let c = 0; c < h.count; c++) {
    if (selected[c] === 1) owner[c] = c;
    else if (c > 0) owner[c] = owner[h.parent[c]!]!;
  }
  const singleRoot = selected[0] === 1 && clusterIdList.length === 1 && options.allowSingleCluster;
  const rootThreshold = options.epsilon !== 0 ? 1 / options.epsilon : h.maxChildLambda[0]!;

  const labels = new Int32Array(n).fill(-1);
  const probabilities = new Float64Array(n);
  for (let row = 0; row < parent.length; row++) {
    const point = child[row]!;
    if (point >= n) continue;
    const cluster = owner[parent[row]! - n]!;
    if (cluster < 0) continue;
    const pointLambda = lambda[row]!;
    if (cluster === 0 && !(singleRoot && pointLambda >= rootThreshold)) continue;
    labels[point] = labelOf[cluster]!;
    const densest = h.maxChildLambda[cluster]!;
    probabilities[point] =
      densest === 0 || !Number.isFinite(pointLambda) ? 1 : Math.min(pointLambda, densest) / densest;
  }
  return { labels, probabilities, clusterIds: Int32Array.from(clusterIdList) };
}
