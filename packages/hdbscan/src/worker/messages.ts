import type { ResolvedOptions } from '../options.js';
import type { HdbscanResult } from '../result.js';

/** What the calling thread hands the worker (the points' buffer is transferred, not copied). */
export interface WorkerRequest {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
  options: ResolvedOptions;
}

export type WorkerReply =
  | { ok: true; result: HdbscanResult }
  | { ok: false; error: { name: string; message: string; stack?: string } };

/** The result's typed arrays, to transfer back without copying. */
export function resultBuffers(result: HdbscanResult): ArrayBuffer[] {
  const t = result.condensedTree;
  const arrays = [
    result.labels,
    result.probabilities,
    result.outlierScores,
    result.clusterIds,
    result.coreDistances,
    t.parent,
    t.child,
    t.lambda,
    t.childSize,
  ];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
