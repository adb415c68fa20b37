import type { Metric } from '../options.js';
import { columnOffset, type DistanceTriangle } from './distance-triangle.js';
import type { NearestDistances } from './nearest-distances.js';

/**
 * Distance between rows i and j of `vectors` from coordinate differences in float64: exact up to
 * rounding, and exactly 0 for duplicate points. Cosine expects unit rows (1 − cos θ = ‖a − b‖² / 2).
 */
export function exactDistance(
  vectors: Float32Array | Float64Array,
  cols: number,
  i: number,
  j: number,
  metric: Metric,
): number {
  const a = i * cols;
  const b = j * cols;
  let squared = 0;
  for (let k = 0; k < cols; k++) {
    const diff = vectors[a + k]! - vectors[b + k]!;
    squared += diff * diff;
  }
  return metric === 'cosine' ? squared / 2 : Math.sqrt(squared);
}

/**
 * Fills the triangle and the nearest-distance lists pair by pair in JavaScript. Every distance is
 * rounded to float32 once, and core distances are taken from those same rounded values, so that a
 * mutual reachability equal to a core distance ties exactly with every other edge at that value.
 */
export function fillWithExactKernel(
  vectors: Float32Array | Float64Array,
  cols: number,
  metric: Metric,
  triangle: DistanceTriangle,
  nearest: NearestDistances,
): void {
  const { n, values, rowStart } = triangle;
  const kth = nearest.kth;
  for (let i = 0; i < n; i++) {
    const start = rowStart[i]!;
    for (let j = i + 1; j < n; j++) {
      const distance = Math.fround(exactDistance(vectors, cols, i, j, metric));
      values[start + columnOffset(j)] = distance;
      if (distance < kth[i]!) nearest.insert(i, distance);
      if (distance < kth[j]!) nearest.insert(j, distance);
    }
  }
}
