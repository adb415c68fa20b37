import type { SpanningEdges } from './prim-spanning-tree.js';

/**
 * A single-linkage hierarchy in SciPy's linkage layout: merge m joins nodes `left[m]` and `right[m]`
 * at `distance[m]` into node n + m holding `size[m]` points; nodes below n are the points.
 */
export interface SingleLinkage {
  n: number;
  left: Int32Array;
  right: Int32Array;
  distance: Float64Array;
  size: Int32Array;
}

/** Edge order by weight; equal weights keep their Prim order (a stable sort), as the reference does. */
function stableOrderByWeight(weight: Float64Array): Uint32Array {
  const order = new Uint32Array(weight.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => weight[a]! - weight[b]! || a - b);
}

/**
 * Merges the spanning-tree edges in ascending weight with a union-find whose roots are the hierarchy
 * nodes themselves: each union creates the next node, so `find` returns the node to record.
 */
export function singleLinkage(n: number, edges: SpanningEdges): SingleLinkage {
  const merges = Math.max(0, n - 1);
  const left = new Int32Array(merges);
  const right = new Int32Array(merges);
  const distance = new Float64Array(merges);
  const size = new Int32Array(merges);
  // parent[x] = -1 for a root; nodes 0..n-1 are points, n.. are merges.
  const parent = new Int32Array(Math.max(1, 2 * n - 1)).fill(-1);
  const nodeSize = new Int32Array(Math.max(1, 2 * n - 1));
  nodeSize.fill(1, 0, n);

  const find = (x: number): number => {
    let root = x;
    while (parent[root]! !== -1) root = parent[root]!;
    while (x !== root) {
      const up = parent[x]!;
      parent[x] = root;
      x = up;
    }
    return root;
  };

  const order = stableOrderByWeight(edges.weight);
  for (let m = 0; m < merges; m++) {
    const e = order[m]!;
    const a = find(edges.from[e]!);
    const b = find(edges.to[e]!);
    const node = n + m;
    left[m] = a;
    right[m] = b;
    distance[m] = edges.weight[e]!;
    size[m] = nodeSize[a]! + nodeSize[b]!;
    nodeSize[node] = size[m]!;
    parent[a] = node;
    parent[b] = node;
  }
  return { n, left, right, distance, size };
}
