import { describe, expect, it } from 'vitest';
import { hdbscan, hdbscanOnThisThread } from '../src/index.js';
import { normal, seededRandom } from './support/generated-points.js';

/** `rows` unit-ish vectors around 12 random centres, as one float32 matrix. */
function embeddings(rows: number, cols: number, seed: number) {
  const random = seededRandom(seed);
  const centres = Array.from({ length: 12 }, () => Array.from({ length: cols }, () => normal(random)));
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const centre = centres[i % 12]!;
    for (let k = 0; k < cols; k++) data[i * cols + k] = centre[k]! + 0.4 * normal(random);
  }
  return { data, rows, cols };
}

describe('hdbscan() in a worker thread', () => {
  it('gives the same result as on the calling thread, onnxruntime included, and leaves the input untouched', async () => {
    const matrix = embeddings(600, 64, 1);
    const before = matrix.data.slice();
    const options = { minClusterSize: 10, metric: 'cosine' as const };
    const [inWorker, here] = [await hdbscan(matrix, options), await hdbscanOnThisThread(matrix, options)];
    expect(inWorker.stats.kernel).toBe('onnx');
    expect(inWorker.clusterCount).toBe(12);
    expect(Array.from(inWorker.labels)).toEqual(Array.from(here.labels));
    expect(Array.from(inWorker.probabilities)).toEqual(Array.from(here.probabilities));
    expect(Array.from(inWorker.outlierScores)).toEqual(Array.from(here.outlierScores));
    expect(Array.from(inWorker.condensedTree.child)).toEqual(Array.from(here.condensedTree.child));
    expect(matrix.data).toEqual(before); // the worker normalises its own copy
  });

  it('keeps the calling thread free while it computes', async () => {
    const matrix = embeddings(3000, 8, 2); // exact kernel: one long synchronous stretch in the worker
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const result = await hdbscan(matrix, { minClusterSize: 20 });
    clearInterval(timer);
    expect(result.stats.kernel).toBe('exact');
    // On the calling thread the same work would leave no room for a single tick.
    expect(ticks).toBeGreaterThan(5);
  });

  it('rejects bad input before starting a worker, naming the problem', async () => {
    await expect(hdbscan([[0, 1], [2]], { minClusterSize: 2 })).rejects.toThrow(/point 1 has 1 coordinates/);
    await expect(hdbscan([[0, 1]], { minSamples: -1 })).rejects.toThrow(
      /minSamples must be a whole number ≥ 1/,
    );
  });

  it('stops the worker and rejects when aborted', async () => {
    const controller = new AbortController();
    const running = hdbscan(embeddings(2000, 32, 3), { minClusterSize: 10 }, { signal: controller.signal });
    controller.abort(new Error('shutting down'));
    await expect(running).rejects.toThrow('shutting down');
    await expect(
      hdbscan(embeddings(10, 4, 4), {}, { signal: AbortSignal.abort(new Error('already aborted')) }),
    ).rejects.toThrow('already aborted');
  });
});
