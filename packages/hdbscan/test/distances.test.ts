import { describe, expect, it } from 'vitest';
import { DistanceTriangle } from '../src/distance/distance-triangle.js';
import { computePairwiseDistances } from '../src/distance/pairwise-pass.js';
import type { Metric } from '../src/index.js';
import { normal, seededRandom } from './support/generated-points.js';

function gaussianMatrix(rows: number, cols: number, seed: number, offset = 0) {
  const random = seededRandom(seed);
  const data = new Float32Array(rows * cols).map(() => offset + normal(random));
  return { data, rows, cols };
}

/** Float64 reference distance straight from the definition. */
function referenceDistance(data: Float32Array, cols: number, i: number, j: number, metric: Metric): number {
  let dot = 0;
  let a2 = 0;
  let b2 = 0;
  let diff2 = 0;
  for (let k = 0; k < cols; k++) {
    const a = data[i * cols + k]!;
    const b = data[j * cols + k]!;
    dot += a * b;
    a2 += a * a;
    b2 += b * b;
    diff2 += (a - b) ** 2;
  }
  return metric === 'cosine' ? 1 - dot / Math.sqrt(a2 * b2) : Math.sqrt(diff2);
}

describe('the distance triangle', () => {
  it.each([1, 31, 32, 33, 70, 100])('gives every pair of %i points its own slot, symmetric', (n) => {
    const triangle = new DistanceTriangle(n);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const index = triangle.index(i, j);
        expect(index).toBe(triangle.index(j, i));
        expect(index).toBeGreaterThanOrEqual(0);
        expect(index).toBeLessThan(triangle.values.length);
        seen.add(index);
      }
    }
    expect(seen.size).toBe((n * (n - 1)) / 2);
    // Whole 32 × 32 tiles on and above the diagonal: (n + 31)(n + 63)/2 at most.
    expect(triangle.values.length).toBeLessThanOrEqual(((n + 31) * (n + 63)) / 2);
  });

  it('stays a triangle at scale (about half the square matrix)', () => {
    expect(new DistanceTriangle(2000).values.length / 2000 ** 2).toBeLessThan(0.52);
  });
});

describe('the all-pairs pass', () => {
  it.each(['euclidean', 'cosine'] as const)(
    'matches float64 %s distances with both kernels',
    async (metric) => {
      // Offset from the origin so that the product form has cancellation to cope with.
      const matrix = gaussianMatrix(300, 48, 11, 3);
      const exact = await computePairwiseDistances(matrix, metric, 5, 'exact', undefined, false);
      const onnx = await computePairwiseDistances(matrix, metric, 5, 'onnx', 1, false);
      expect([exact.kernel, onnx.kernel]).toEqual(['exact', 'onnx']);
      let worstExact = 0;
      let worstOnnx = 0;
      for (let i = 0; i < matrix.rows; i++) {
        for (let j = i + 1; j < matrix.rows; j++) {
          const truth = referenceDistance(matrix.data, matrix.cols, i, j, metric);
          worstExact = Math.max(worstExact, Math.abs(exact.triangle.get(i, j) - truth) / truth);
          worstOnnx = Math.max(worstOnnx, Math.abs(onnx.triangle.get(i, j) - truth) / truth);
        }
      }
      expect(worstExact).toBeLessThan(1e-7); // float32 rounding of the result only
      expect(worstOnnx).toBeLessThan(2e-5);
    },
  );

  it('keeps each point’s k-th nearest distance (the core distance) in the same pass', async () => {
    const matrix = gaussianMatrix(150, 20, 5);
    for (const k of [1, 4, 149]) {
      const { triangle, coreDistances } = await computePairwiseDistances(
        matrix,
        'euclidean',
        k,
        'onnx',
        1,
        false,
      );
      for (const i of [0, 17, 149]) {
        const others = Array.from({ length: 150 }, (_, j) => j)
          .filter((j) => j !== i)
          .map((j) => triangle.get(i, j))
          .sort((a, b) => a - b);
        expect(coreDistances[i]).toBe(others[k - 1]);
      }
    }
  });

  it('recomputes near-duplicate pairs exactly in the onnx kernel', async () => {
    const matrix = gaussianMatrix(200, 64, 3, 10);
    matrix.data.copyWithin(5 * 64, 4 * 64, 5 * 64); // point 5 := point 4
    matrix.data[5 * 64] = matrix.data[5 * 64]! + 1e-3; // … moved by 0.001 along one axis
    const onnx = await computePairwiseDistances(matrix, 'euclidean', 3, 'onnx', 1, false);
    expect(onnx.refinedPairs).toBeGreaterThanOrEqual(1);
    expect(onnx.triangle.get(4, 5)).toBeCloseTo(referenceDistance(matrix.data, 64, 4, 5, 'euclidean'), 9);
  });
});
