import type { CondensedTree } from './condensed-tree.js';

/**
 * Per-cluster facts derived from the condensed tree, indexed by c = cluster id − n (0 is the root;
 * a parent's index is always smaller than its children's).
 */
export interface ClusterHierarchy {
  count: number;
  /** Parent cluster index, −1 for the root. */
  parent: Int32Array;
  /** The two child clusters' indexes, −1 for a leaf. */
  firstChild: Int32Array;
  secondChild: Int32Array;
  /** Lambda at which the cluster appears (0 for the root). */
  birth: Float64Array;
  /** Largest lambda among the cluster's own rows (points falling out, children splitting off). */
  maxChildLambda: Float64Array;
  /** Excess of mass: Σ over the cluster's rows of (lambda − birth) × size, summed in row order. */
  stability: Float64Array;
}

export function clusterHierarchy(tree: CondensedTree): ClusterHierarchy {
  const { n, parent, child, lambda, childSize, clusterCount: count } = tree;
  const parentOf = new Int32Array(count).fill(-1);
  const firstChild = new Int32Array(count).fill(-1);
  const secondChild = new Int32Array(count).fill(-1);
  const birth = new Float64Array(count);
  const maxChildLambda = new Float64Array(count);
  const stability = new Float64Array(count);

  for (let row = 0; row < parent.length; row++) {
    const c = child[row]! - n;
    if (c < 0) continue;
    const p = parent[row]! - n;
    parentOf[c] = p;
    birth[c] = lambda[row]!;
    if (firstChild[p] === -1) firstChild[p] = c;
    else secondChild[p] = c;
  }
  for (let row = 0; row < parent.length; row++) {
    const p = parent[row]! - n;
    const l = lambda[row]!;
    if (l > maxChildLambda[p]!) maxChildLambda[p] = l;
    stability[p]! += (l - birth[p]!) * childSize[row]!;
  }
  return { count, parent: parentOf, firstChild, secondChild, birth, maxChildLambda, stability };
}
