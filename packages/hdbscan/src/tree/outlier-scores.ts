import type { ClusterHierarchy } from './cluster-hierarchy.js';
import type { CondensedTree } from './condensed-tree.js';

/**
 * GLOSH outlier scores (Campello et al. 2015): for a point that falls out of cluster C at lambda λ,
 * 1 − λ / λmax(C), where λmax(C) is the densest level reached anywhere in C's subtree. 0 for points in the
 * densest core (or with infinite λ, i.e. duplicates), towards 1 for isolated points; 1 for a point with finite λ
 * in a subtree whose densest level is infinite (duplicates elsewhere in it).
 */
export function outlierScores(tree: CondensedTree, h: ClusterHierarchy): Float64Array {
  const { n, parent, child, lambda } = tree;
  // Children have larger indexes than parents: one descending pass carries each maximum upwards.
  const deepest = Float64Array.from(h.maxChildLambda);
  for (let c = h.count - 1; c > 0; c--) {
    const p = h.parent[c]!;
    if (deepest[c]! > deepest[p]!) deepest[p] = deepest[c]!;
  }
  const scores = new Float64Array(n);
  for (let row = 0; row < parent.length; row++) {
    const point = child[row]!;
    if (point >= n) continue;
    const max = deepest[parent[row]! - n]!;
    const l = lambda[row]!;
    if (max === 0 || !Number.isFinite(l)) scores[point] = 0;
    else scores[point] = Number.isFinite(max) ? (max - l) / max : 1; // the limit, where the reference gives NaN
  }
  return scores;
}
