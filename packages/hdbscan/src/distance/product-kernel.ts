import { availableParallelism } from 'node:os';
import type * as Onnxruntime from 'onnxruntime-node';
import type { Metric } from '../options.js';
import { columnOffset, type DistanceTriangle } from './distance-triangle.js';
import { exactDistance } from './exact-kernel.js';
import { buildGemmTransposedModel, GEMM_INPUT_LEFT, GEMM_INPUT_RIGHT, GEMM_OUTPUT } from './gemm-model.js';
import type { NearestDistances } from './nearest-distances.js';

/**
 * Pairs whose squared distance is below this share of ‖a‖² + ‖b‖² are recomputed from coordinate
 * differences: there the float32 product form has lost most of its significant digits (and duplicates
 * would come out as a small positive distance instead of 0). Pairs this close are rare, so it is cheap.
 */
export const REFINE_SHARE = 2 ** -10;

/**
 * Rows per matrix product. MLAS runs at full speed from about 256 rows; larger blocks only grow the
 * product buffer (256 × n floats: 20 MB at n = 20,000) and measured slower here.
 */
const BLOCK_ROWS = 256;

/** onnxruntime is loaded on first use: a caller that only starts workers never loads the native addon. */
async function createProductSession(
  threads: number | undefined,
): Promise<{ ort: typeof Onnxruntime; session: Onnxruntime.InferenceSession }> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(buildGemmTransposedModel(), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads ?? availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    // Between products the pool would spin while JavaScript absorbs a block, taking a core from it
    // (and from everything else on the machine); a product lasts milliseconds, so waking is cheap.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  return { ort, session };
}

/**
 * Turns the products of rows [i0, i1) with rows [i0, n) into distances: stored once in the triangle,
 * offered to both points' nearest lists. Returns how many pairs it recomputed exactly.
 */
function absorbProductBlock(
  products: Float32Array,
  i0: number,
  i1: number,
  vectors: Float32Array,
  cols: number,
  cosine: boolean,
  squaredNorms: Float64Array,
  triangle: DistanceTriangle,
  nearest: NearestDistances,
): number {
  const { n, values, rowStart } = triangle;
  const kth = nearest.kth;
  const width = n - i0;
  const metric = cosine ? 'cosine' : 'euclidean';
  let refined = 0;
  for (let i = i0; i < i1; i++) {
    const start = rowStart[i]!;
    const productRow = (i - i0) * width - i0;
    const normI = squaredNorms[i]!;
    let kthI = kth[i]!;
    for (let j = i + 1; j < n; j++) {
      const product = products[productRow + j]!;
      let distance: number;
      if (cosine) {
        distance = 1 - product;
        if (distance < REFINE_SHARE) {
          distance = exactDistance(vectors, cols, i, j, metric);
          refined++;
        } else if (distance > 2) distance = 2;
      } else {
        const scale = normI + squaredNorms[j]!;
        const squared = scale - 2 * product;
        if (squared < REFINE_SHARE * scale) {
          distance = exactDistance(vectors, cols, i, j, metric);
          refined++;
        } else distance = Math.sqrt(squared);
      }
      distance = Math.fround(distance);
      values[start + columnOffset(j)] = distance;
      if (distance < kthI) {
        nearest.insert(i, distance);
        kthI = kth[i]!;
      }
      if (distance < kth[j]!) nearest.insert(j, distance);
    }
  }
  return refined;
}

/**
 * Fills the triangle and the nearest-distance lists from one pass of matrix products: for each block
 * of rows [i0, i1), onnxruntime computes their dot products with every row j ≥ i0 (the upper
 * triangle only, so half the flops of the full matrix); JavaScript turns each product into a distance,
 * stores it once and offers it to both points' nearest lists.
 *
 * `vectors` must be prepared (centred for euclidean, unit rows for cosine) as float32.
 * Returns how many pairs were recomputed exactly.
 */
export async function fillWithProductKernel(
  vectors: Float32Array,
  cols: number,
  metric: Metric,
  triangle: DistanceTriangle,
  nearest: NearestDistances,
  threads: number | undefined,
): Promise<number> {
  const n = triangle.n;
  const squaredNorms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += vectors[i * cols + k]! * vectors[i * cols + k]!;
    squaredNorms[i] = s;
  }
  const cosine = metric === 'cosine';
  let refined = 0;

  const { ort, session } = await createProductSession(threads);
  try {
    for (let i0 = 0; i0 < n - 1; i0 += BLOCK_ROWS) {
      const i1 = Math.min(n, i0 + BLOCK_ROWS);
      const width = n - i0;
      const outputs = await session.run({
        [GEMM_INPUT_LEFT]: new ort.Tensor('float32', vectors.subarray(i0 * cols, i1 * cols), [i1 - i0, cols]),
        [GEMM_INPUT_RIGHT]: new ort.Tensor('float32', vectors.subarray(i0 * cols), [width, cols]),
      });
      const products = outputs[GEMM_OUTPUT]!.data as Float32Array;

      refined += absorbProductBlock(products, i0, i1, vectors, cols, cosine, squaredNorms, triangle, nearest);
      outputs[GEMM_OUTPUT]!.dispose();
    }
  } finally {
    await session.release();
  }
  return refined;
}
