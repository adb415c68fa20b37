import type { Metric } from '../options.js';
import type { PointMatrix } from '../points.js';

/**
 * Rescales every point to unit length, in float64, for the cosine metric (1 − cos θ = ‖a − b‖² / 2 on
 * unit vectors). Writes into `target`, which may be `matrix.data` itself.
 */
function normaliseRows(matrix: PointMatrix, target: Float32Array | Float64Array): void {
  const { data, rows, cols } = matrix;
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let squared = 0;
    for (let k = 0; k < cols; k++) squared += data[base + k]! * data[base + k]!;
    if (squared === 0)
      throw new RangeError(`point ${i} is the zero vector; the cosine metric is undefined for it`);
    const scale = 1 / Math.sqrt(squared);
    for (let k = 0; k < cols; k++) target[base + k] = data[base + k]! * scale;
  }
}

/**
 * Subtracts the mean point (computed in float64). Euclidean distances do not change, but the matrix
 * product form ‖a‖² + ‖b‖² − 2a·b loses less to cancellation when the norms are small.
 */
function centreRows(matrix: PointMatrix, target: Float32Array): void {
  const { data, rows, cols } = matrix;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) mean[k]! += data[i * cols + k]!;
  for (let k = 0; k < cols; k++) mean[k]! /= rows;
  for (let i = 0; i < rows; i++)
    for (let k = 0; k < cols; k++) target[i * cols + k] = data[i * cols + k]! - mean[k]!;
}

/**
 * The points as the exact kernel reads them: unchanged for euclidean, unit rows (float64) for cosine.
 * Never modifies the input.
 */
export function vectorsForExactKernel(matrix: PointMatrix, metric: Metric): Float32Array | Float64Array {
  if (metric === 'euclidean') return matrix.data;
  const unit = new Float64Array(matrix.data.length);
  normaliseRows(matrix, unit);
  return unit;
}

/**
 * The points as the matrix-product kernel reads them: float32, centred (euclidean) or unit rows
 * (cosine). With `reuseInput` a float32 input is overwritten instead of copied (the worker owns its copy).
 */
export function vectorsForProductKernel(
  matrix: PointMatrix,
  metric: Metric,
  reuseInput: boolean,
): Float32Array {
  const target =
    reuseInput && matrix.data instanceof Float32Array ? matrix.data : new Float32Array(matrix.data.length);
  if (metric === 'cosine') normaliseRows(matrix, target);
  else centreRows(matrix, target);
  return target;
}
