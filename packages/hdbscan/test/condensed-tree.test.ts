import { describe, expect, it } from 'vitest';
import { hdbscanOnThisThread } from '../src/index.js';
import { condenseTree } from '../src/tree/condensed-tree.js';
import type { SingleLinkage } from '../src/tree/single-linkage.js';
import { blobs } from './support/generated-points.js';

describe('the condensed tree', () => {
  it('condenses a hierarchy 200,000 merges deep without recursion', () => {
    // A chain: merge m joins everything so far with point m + 1, at increasing distances.
    const n = 200_001;
    const hierarchy: SingleLinkage = {
      n,
      left: new Int32Array(n - 1).map((_, m) => (m === 0 ? 0 : n + m - 1)),
      right: new Int32Array(n - 1).map((_, m) => m + 1),
      distance: new Float64Array(n - 1).map((_, m) => m + 1),
      size: new Int32Array(n - 1).map((_, m) => m + 2),
    };
    const tree = condenseTree(hierarchy, 5);
    expect(tree.child).toHaveLength(n); // no split ever has two large sides: every point falls out of the root
    expect(tree.clusterCount).toBe(1);
    expect(new Set(tree.child).size).toBe(n);
  });

  it('holds its invariants on clustered data, and the outputs agree with it', async () => {
    const points = blobs(
      [
        [0, 0],
        [8, 0],
        [0, 8],
        [8, 8],
      ],
      60,
      1,
      21,
    );
    for (let i = 0; i < 20; i++) points.push([-6 + i, 14 - (i % 5)]); // sparse points around
    const minClusterSize = 8;
    const result = await hdbscanOnThisThread(points, { minClusterSize });
    const { n, parent, child, lambda, childSize } = result.condensedTree;
    expect(n).toBe(points.length);

    // Every point is a child exactly once; clusters are numbered below their children.
    const pointRows = Array.from(child).filter((c) => c < n);
    expect(new Set(pointRows).size).toBe(n);
    for (let row = 0; row < child.length; row++) {
      expect(parent[row]).toBeGreaterThanOrEqual(n);
      if (child[row]! >= n) expect(child[row]).toBeGreaterThan(parent[row]!);
      else expect(childSize[row]).toBe(1);
      expect(lambda[row]).toBeGreaterThan(0);
    }
    // A cluster splits into exactly two children of at least minClusterSize points.
    const splits = new Map<number, number[]>();
    for (let row = 0; row < child.length; row++) {
      if (child[row]! < n) continue;
      expect(childSize[row]).toBeGreaterThanOrEqual(minClusterSize);
      splits.set(parent[row]!, [...(splits.get(parent[row]!) ?? []), child[row]!]);
    }
    for (const children of splits.values()) expect(children).toHaveLength(2);

    // Each labelled point lies under its label's cluster; noise has probability 0.
    const parentOf = new Map<number, number>();
    for (let row = 0; row < child.length; row++) parentOf.set(child[row]!, parent[row]!);
    for (let p = 0; p < n; p++) {
      const label = result.labels[p]!;
      expect(result.outlierScores[p]).toBeGreaterThanOrEqual(0);
      expect(result.outlierScores[p]).toBeLessThanOrEqual(1);
      if (label === -1) {
        expect(result.probabilities[p]).toBe(0);
        continue;
      }
      expect(result.probabilities[p]).toBeGreaterThan(0);
      expect(result.probabilities[p]).toBeLessThanOrEqual(1);
      const ancestors: number[] = [];
      for (let node = parentOf.get(p); node !== undefined; node = parentOf.get(node)) ancestors.push(node);
      expect(ancestors).toContain(result.clusterIds[label]);
    }
    expect(result.clusterCount).toBe(4);
  });
});
