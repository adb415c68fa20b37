import type { DistanceKernel, Metric } from '../options.js';
import type { PointMatrix } from '../points.js';
import { DistanceTriangle } from './distance-triangle.js';
import { fillWithExactKernel } from './exact-kernel.js';
import { NearestDistances } from './nearest-distances.js';
import { vectorsForExactKernel, vectorsForProductKernel } from './prepare-vectors.js';
import { fillWithProductKernel } from './product-kernel.js';

export interface PairwiseDistances {
  triangle: DistanceTriangle;
  /** Per point, the distance to its k-th nearest other point (float32 values). */
  coreDistances: Float32Array;
  kernel: 'onnx' | 'exact';
  /** Pairs the onnx kernel recomputed exactly because they were too close for float32 products. */
  refinedPairs: number;
}

export function chooseKernel(kernel: DistanceKernel, rows: number, cols: number): 'onnx' | 'exact' {
  if (kernel !== 'auto') return kernel;
  return cols >= 16 && rows >= 128 ? 'onnx' : 'exact';
}

/**
 * The all-pairs pass: every distance once, into the float32 triangle, while keeping each point's k
 * nearest, so the core distances come out of the same pass. `k` is capped at n − 1.
 */
export async function computePairwiseDistances(
  matrix: PointMatrix,
  metric: Metric,
  k: number,
  kernel: DistanceKernel,
  threads: number | undefined,
  reuseInput: boolean,
): Promise<PairwiseDistances> {
  const { rows: n, cols } = matrix;
  const triangle = new DistanceTriangle(n);
  const nearest = new NearestDistances(n, Math.max(1, Math.min(k, n - 1)));
  const chosen = chooseKernel(kernel, n, cols);
  let refinedPairs = 0;
  if (chosen === 'onnx') {
    const vectors = vectorsForProductKernel(matrix, metric, reuseInput);
    refinedPairs = await fillWithProductKernel(vectors, cols, metric, triangle, nearest, threads);
  } else {
    fillWithExactKernel(vectorsForExactKernel(matrix, metric), cols, metric, triangle, nearest);
  }
  return { triangle, coreDistances: nearest.kth, kernel: chosen, refinedPairs };
}
