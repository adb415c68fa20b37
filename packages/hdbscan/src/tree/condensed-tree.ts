import type { SingleLinkage } from './single-linkage.js';

/**
 * The condensed tree, one row per edge: `parent` → `child` at density `lambda` (1 / distance) with
 * `childSize` points. Ids below n are points; ids from n up are clusters, n being the root (all points),
 * and a child cluster always has a larger id than its parent. A point appears exactly once, as the child
 * of the cluster it falls out of; a cluster splits into exactly two children (both ≥ minClusterSize).
 */
export interface CondensedTree {
  n: number;
  parent: Int32Array;
  child: Int32Array;
  lambda: Float64Array;
  childSize: Int32Array;
  /** Clusters in the tree, root included (ids n … n + clusterCount − 1). */
  clusterCount: number;
}

/**
 * Walks the single-linkage hierarchy top down (breadth first, left before right, as the reference does,
 * so rows and cluster ids come out in the same order): a merge whose two sides both have at least
 * `minClusterSize` points is a split into two new clusters; otherwise the small side's points fall out
 * of the current cluster at this lambda and the large side, if any, continues as the same cluster.
 * Iterative throughout (explicit queues): the hierarchy can be n levels deep.
 */
export function condenseTree(hierarchy: SingleLinkage, minClusterSize: number): CondensedTree {
  const { n, left, right, distance, size } = hierarchy;
  const nodes = 2 * n - 1;
  const root = nodes - 1;
  const sizeOf = (node: number) => (node < n ? 1 : size[node - n]!);

  // Every point is a child exactly once and a split adds two cluster rows with ≥ 2 points each: < 2n rows.
  const capacity = 2 * n;
  const parentRows = new Int32Array(capacity);
  const childRows = new Int32Array(capacity);
  const lambdaRows = new Float64Array(capacity);
  const sizeRows = new Int32Array(capacity);
  let rows = 0;
  const emit = (parent: number, child: number, lambda: number, childSize: number) => {
    parentRows[rows] = parent;
    childRows[rows] = child;
    lambdaRows[rows] = lambda;
    sizeRows[rows] = childSize;
    rows++;
  };

  const clusterOf = new Int32Array(nodes); // hierarchy node → condensed cluster id
  const skip = new Uint8Array(nodes);
  const queue = new Int32Array(nodes);
  clusterOf[root] = n;
  let nextCluster = n + 1;

  // Emits, in breadth-first order, the points under `top` as having fallen out of `cluster`.
  const subtreeQueue = new Int32Array(nodes);
  const dropSubtree = (top: number, cluster: number, lambda: number) => {
    let head = 0;
    let tail = 0;
    subtreeQueue[tail++] = top;
    while (head < tail) {
      const node = subtreeQueue[head++]!;
      skip[node] = 1;
      if (node < n) emit(cluster, node, lambda, 1);
      else {
        subtreeQueue[tail++] = left[node - n]!;
        subtreeQueue[tail++] = right[node - n]!;
      }
    }
  };

  let head = 0;
  let tail = 0;
  queue[tail++] = root;
  while (head < tail) {
    const node = queue[head++]!;
    if (node < n) continue;
    const a = left[node - n]!;
    const b = right[node - n]!;
    queue[tail++] = a;
    queue[tail++] = b;
    if (skip[node]) continue;

    const d = distance[node - n]!;
    const lambda = d > 0 ? 1 / d : Infinity;
    const sizeA = sizeOf(a);
    const sizeB = sizeOf(b);
    const cluster = clusterOf[node]!;
    if (sizeA >= minClusterSize && sizeB >= minClusterSize) {
      clusterOf[a] = nextCluster++;
      emit(cluster, clusterOf[a]!, lambda, sizeA);
      clusterOf[b] = nextCluster++;
      emit(cluster, clusterOf[b]!, lambda, sizeB);
    } else if (sizeA < minClusterSize && sizeB < minClusterSize) {
      dropSubtree(a, cluster, lambda);
      dropSubtree(b, cluster, lambda);
    } else if (sizeA < minClusterSize) {
      clusterOf[b] = cluster;
      dropSubtree(a, cluster, lambda);
    } else {
      clusterOf[a] = cluster;
      dropSubtree(b, cluster, lambda);
    }
  }

  return {
    n,
    parent: parentRows.slice(0, rows),
    child: childRows.slice(0, rows),
    lambda: lambdaRows.slice(0, rows),
    childSize: sizeRows.slice(0, rows),
    clusterCount: nextCluster - n,
  };
}
