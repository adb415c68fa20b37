import { describe, expect, it } from 'vitest';
import { computePairwiseDistances } from '../src/distance/pairwise-pass.js';
import type { DistanceTriangle } from '../src/distance/distance-triangle.js';
import { primSpanningTree } from '../src/tree/prim-spanning-tree.js';
import { singleLinkage } from '../src/tree/single-linkage.js';

/** Prim's exactly as the reference states it, with nothing clever: the yardstick for the real one. */
function plainPrim(triangle: DistanceTriangle, core: Float32Array) {
  const n = triangle.n;
  const inTree = new Array<boolean>(n).fill(false);
  const best = new Array<number>(n).fill(Infinity);
  const edges: [number, number, number][] = [];
  let current = 0;
  for (let step = 0; step < n - 1; step++) {
    inTree[current] = true;
    let next = -1;
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const mr = Math.max(core[current]!, core[j]!, triangle.get(current, j));
      best[j] = Math.min(best[j]!, mr);
      if (next === -1 || best[j]! < best[next]!) next = j; // first strict minimum, ascending index
    }
    edges.push([current, next, best[next]!]);
    current = next;
  }
  return edges;
}

describe("Prim's spanning tree over the triangle", () => {
  it('adds the same edges in the same order as the plain algorithm, ties included', async () => {
    // Points on an integer grid, with duplicates: nearly every mutual-reachability value is a tie.
    const points: number[][] = [];
    for (let i = 0; i < 300; i++) points.push([i % 17, Math.floor(i / 17) % 11, i % 7 === 0 ? 0 : 1]);
    const { triangle, coreDistances } = await computePairwiseDistances(
      { data: Float64Array.from(points.flat()), rows: 300, cols: 3 },
      'euclidean',
      4,
      'exact',
      undefined,
      false,
    );
    const edges = primSpanningTree(triangle, coreDistances);
    const expected = plainPrim(triangle, coreDistances);
    const actual = Array.from(edges.from, (f, k): [number, number, number] => [
      f,
      edges.to[k]!,
      edges.weight[k]!,
    ]);
    expect(actual).toEqual(expected);
    expect(new Set(edges.weight).size).toBeLessThan(50); // the ties were really there
  });

  it('merges equal-weight edges in Prim order (a stable sort) into a proper hierarchy', () => {
    const edges = {
      from: Int32Array.from([0, 1, 2, 3]),
      to: Int32Array.from([1, 2, 3, 4]),
      weight: Float64Array.from([2, 1, 1, 1]),
    };
    const hierarchy = singleLinkage(5, edges);
    // Weight-1 edges first, in their original order, then the weight-2 one.
    expect(Array.from(hierarchy.left)).toEqual([1, 5, 6, 0]);
    expect(Array.from(hierarchy.right)).toEqual([2, 3, 4, 7]);
    expect(Array.from(hierarchy.distance)).toEqual([1, 1, 1, 2]);
    expect(Array.from(hierarchy.size)).toEqual([2, 3, 4, 5]);
  });
});
