import { describe, expect, it } from 'vitest';
import { hdbscanOnThisThread, type HdbscanOptions, type Points } from '../src/index.js';

const points = [
  [0, 0],
  [1, 1],
  [2, 2],
];

describe('bad input is rejected with an error naming the problem', () => {
  it.each<[HdbscanOptions, RegExp]>([
    [{ minClusterSize: 1 }, /minClusterSize must be a whole number ≥ 2, got 1/],
    [{ minClusterSize: 2.5 }, /minClusterSize must be a whole number/],
    [{ minSamples: 0 }, /minSamples must be a whole number ≥ 1, got 0/],
    [{ clusterSelectionEpsilon: -0.1 }, /clusterSelectionEpsilon must be a finite number ≥ 0, got -0.1/],
    [{ clusterSelectionEpsilon: Number.NaN }, /clusterSelectionEpsilon/],
    [
      { clusterSelectionMethod: 'best' as never },
      /clusterSelectionMethod must be one of 'eom', 'leaf', got best/,
    ],
    [{ metric: 'manhattan' as never }, /metric must be one of 'euclidean', 'cosine', got manhattan/],
    [{ kernel: 'gpu' as never }, /kernel must be one of 'auto', 'onnx', 'exact'/],
    [{ allowSingleCluster: 'yes' as never }, /allowSingleCluster must be a boolean/],
    [{ threads: 0 }, /threads must be a whole number ≥ 1/],
    [{ min_cluster_size: 5 } as never, /Unknown HDBSCAN option 'min_cluster_size'/],
  ])('options %o', async (options, message) => {
    await expect(hdbscanOnThisThread(points, options)).rejects.toThrow(message);
  });

  it.each<[string, Points, RegExp]>([
    ['ragged rows', [[0, 0], [1]], /point 1 has 1 coordinates; point 0 has 2/],
    [
      'a NaN coordinate',
      [
        [0, 0],
        [1, Number.NaN],
      ],
      /point 1 coordinate 1 is NaN; coordinates must be finite/,
    ],
    ['an infinite coordinate', [[Infinity, 0]], /point 0 coordinate 0 is Infinity/],
    ['empty points', [[], []], /point 0 has length 0/],
    [
      'a matrix of the wrong length',
      { data: new Float64Array(5), rows: 2, cols: 3 },
      /has 5 values; rows × cols = 2 × 3 = 6/,
    ],
    [
      'a matrix of plain numbers',
      { data: [1, 2] as never, rows: 1, cols: 2 },
      /must be a Float32Array or a Float64Array/,
    ],
  ])('points with %s', async (_what, bad, message) => {
    await expect(hdbscanOnThisThread(bad, { minClusterSize: 2 })).rejects.toThrow(message);
  });

  it('a zero vector under the cosine metric', async () => {
    await expect(
      hdbscanOnThisThread(
        [
          [1, 0],
          [0, 0],
        ],
        { minClusterSize: 2, metric: 'cosine' },
      ),
    ).rejects.toThrow(/point 1 is the zero vector; the cosine metric is undefined for it/);
  });
});

describe('defaults', () => {
  it('uses minClusterSize 5 and minSamples = minClusterSize', async () => {
    const line = Array.from({ length: 12 }, (_, i) => [i * i, 0]);
    const byDefault = await hdbscanOnThisThread(line);
    const explicit = await hdbscanOnThisThread(line, { minClusterSize: 5, minSamples: 5 });
    expect(Array.from(byDefault.coreDistances)).toEqual(Array.from(explicit.coreDistances));
    // Point 0's 5th nearest other point is point 5, at distance 25.
    expect(byDefault.coreDistances[0]).toBe(25);
  });
});
