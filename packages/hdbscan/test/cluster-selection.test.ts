import { describe, expect, it } from 'vitest';
import { hdbscanOnThisThread } from '../src/index.js';
import { blobs } from './support/generated-points.js';

describe('cluster selection', () => {
  it('selects the whole data as one cluster only when allowSingleCluster is set', async () => {
    const points = blobs([[0, 0]], 200, 1, 3);
    points.push([30, 30], [-30, 25], [40, -35]);
    const single = await hdbscanOnThisThread(points, { minClusterSize: 20, allowSingleCluster: true });
    expect(single.clusterCount).toBe(1);
    expect(single.clusterIds[0]).toBe(points.length); // the root
    expect(Array.from(single.labels.slice(200))).toEqual([-1, -1, -1]);
    // As in the reference, the root cluster keeps the points that stay until its densest own row.
    const { n, parent, child, lambda } = single.condensedTree;
    let densest = 0;
    for (let row = 0; row < parent.length; row++)
      if (parent[row] === n) densest = Math.max(densest, lambda[row]!);
    for (let row = 0; row < child.length; row++) {
      if (child[row]! < n) expect(single.labels[child[row]!]).toBe(lambda[row]! >= densest ? 0 : -1);
    }
    expect(single.labels.filter((l) => l === 0).length).toBeGreaterThan(0);

    const usual = await hdbscanOnThisThread(points, { minClusterSize: 20 });
    expect(usual.clusterIds).not.toContain(points.length); // the root (id n) is never selected
  });

  it('merges clusters born closer than clusterSelectionEpsilon', async () => {
    // Two blobs 4 apart, a third 40 away: a large epsilon keeps the near pair together.
    const points = blobs(
      [
        [0, 0],
        [4, 0],
        [40, 0],
      ],
      80,
      0.5,
      9,
    );
    const fine = await hdbscanOnThisThread(points, { minClusterSize: 15 });
    expect(fine.clusterCount).toBe(3);
    const merged = await hdbscanOnThisThread(points, { minClusterSize: 15, clusterSelectionEpsilon: 6 });
    expect(merged.clusterCount).toBe(2);
    const near = new Set(Array.from(merged.labels.slice(0, 160)).filter((l) => l !== -1));
    expect(near.size).toBe(1);
    expect(merged.labels[200]).not.toBe(merged.labels[0]);
  });

  it('takes the leaves of the condensed tree with the leaf method', async () => {
    const points = blobs(
      [
        [0, 0],
        [3, 0],
        [30, 0],
      ],
      80,
      0.6,
      4,
    );
    const eom = await hdbscanOnThisThread(points, { minClusterSize: 10 });
    const leaf = await hdbscanOnThisThread(points, { minClusterSize: 10, clusterSelectionMethod: 'leaf' });
    expect(leaf.clusterCount).toBeGreaterThanOrEqual(eom.clusterCount);
    // A leaf has no child clusters in the condensed tree.
    const { parent, child, n } = leaf.condensedTree;
    const parents = new Set(Array.from(parent).filter((_, row) => child[row]! >= n));
    for (const id of leaf.clusterIds) expect(parents.has(id)).toBe(false);
  });
});
