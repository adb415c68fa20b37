import { describe, expect, it } from 'vitest';
import { hdbscanOnThisThread } from '../src/index.js';
import { blobs } from './support/generated-points.js';

const noise = (labels: Int32Array) => labels.filter((l) => l === -1).length;
const finite = (values: ArrayLike<number>) => Array.from(values).every(Number.isFinite);

describe('edge cases', () => {
  it('returns empty outputs for no points', async () => {
    const result = await hdbscanOnThisThread([], { minClusterSize: 5 });
    expect(result.labels).toHaveLength(0);
    expect(result.clusterCount).toBe(0);
    expect(result.condensedTree.child).toHaveLength(0);
  });

  it('calls a single point noise', async () => {
    const result = await hdbscanOnThisThread([[3, 4]], { minClusterSize: 2, allowSingleCluster: true });
    expect(Array.from(result.labels)).toEqual([-1]);
    expect(Array.from(result.probabilities)).toEqual([0]);
  });

  it('finds no cluster among fewer points than minClusterSize, even when a single cluster is allowed', async () => {
    const square = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const result = await hdbscanOnThisThread(square, { minClusterSize: 5, allowSingleCluster: true });
    expect(result.clusterCount).toBe(0);
    expect(noise(result.labels)).toBe(4);
    expect(result.condensedTree.child).toHaveLength(4); // the tree is still built for inspection
  });

  it('calls everything noise when no split can leave two clusters, unless a single cluster is allowed', async () => {
    const points = blobs([[0, 0]], 9, 1, 7); // 9 < 2 × minClusterSize: the root can never split
    const strict = await hdbscanOnThisThread(points, { minClusterSize: 5 });
    expect(strict.clusterCount).toBe(0);
    expect(noise(strict.labels)).toBe(9);
    expect(Array.from(strict.probabilities).every((p) => p === 0)).toBe(true);

    const single = await hdbscanOnThisThread(points, { minClusterSize: 5, allowSingleCluster: true });
    expect(single.clusterCount).toBe(1);
    expect(noise(single.labels)).toBeLessThan(9);
  });

  it('handles identical points (every distance 0, every lambda infinite) without NaN', async () => {
    const same = Array.from({ length: 30 }, () => [1, 2]);
    const strict = await hdbscanOnThisThread(same, { minClusterSize: 5 });
    expect(strict.clusterCount).toBe(0);
    expect(finite(strict.probabilities) && finite(strict.outlierScores)).toBe(true);

    const single = await hdbscanOnThisThread(same, { minClusterSize: 5, allowSingleCluster: true });
    expect(single.clusterCount).toBe(1);
    expect(noise(single.labels)).toBe(0);
    expect(Array.from(single.probabilities).every((p) => p === 1)).toBe(true);
    expect(Array.from(single.outlierScores).every((s) => s === 0)).toBe(true);
  });

  it.each(['exact', 'onnx'] as const)('clusters groups of duplicates exactly (%s kernel)', async (kernel) => {
    // Three groups of 20 copies of one point, 10 points scattered between them; 32 dimensions so that
    // the onnx kernel really multiplies matrices (its duplicates must be recomputed to exactly 0).
    const corners = [0, 1, 2].map((g) =>
      Array.from({ length: 32 }, (_, k): number => (k % 3 === g ? 10 : 0)),
    );
    const points = corners.flatMap((c) => Array.from({ length: 20 }, () => [...c]));
    for (let i = 0; i < 10; i++) points.push(Array.from({ length: 32 }, (_, k) => 3 + ((i * 7 + k * 3) % 5)));

    const result = await hdbscanOnThisThread(points, { minClusterSize: 5, kernel });
    expect(result.stats.kernel).toBe(kernel);
    for (let g = 0; g < 3; g++) {
      const group = Array.from(result.labels.subarray(g * 20, g * 20 + 20));
      expect(new Set(group).size).toBe(1);
      expect(group[0]).not.toBe(-1);
      expect(Array.from(result.coreDistances.subarray(g * 20, g * 20 + 20)).every((d) => d === 0)).toBe(true);
      expect(Array.from(result.probabilities.subarray(g * 20, g * 20 + 20)).every((p) => p === 1)).toBe(true);
    }
    expect(new Set(Array.from(result.labels.subarray(0, 60))).size).toBe(3);
    expect(finite(result.outlierScores)).toBe(true);
    if (kernel === 'onnx') expect(result.stats.refinedPairs).toBeGreaterThanOrEqual(3 * 190);
  });

  it('caps minSamples at n − 1 (the core distance is then the farthest neighbour)', async () => {
    const points = Array.from({ length: 10 }, (_, i) => [i, 0]);
    const result = await hdbscanOnThisThread(points, { minClusterSize: 2, minSamples: 50 });
    expect(result.coreDistances[0]).toBe(9);
    expect(result.coreDistances[5]).toBe(5);
  });
});
