import type { CondensedTree } from './tree/condensed-tree.js';

export type { CondensedTree };

export interface HdbscanTimings {
  /** All-pairs distances and core distances (the matrix-product pass). */
  distances: number;
  /** Prim's spanning tree over mutual reachability. */
  spanningTree: number;
  /** Single linkage, condensed tree, selection, labels, probabilities and scores. */
  tree: number;
  total: number;
}

export interface HdbscanResult {
  /** Cluster label per point, −1 for noise. Labels are 0 … clusterCount − 1, in condensed-tree id order. */
  labels: Int32Array;
  /** Membership strength per point in [0, 1] (0 for noise). */
  probabilities: Float64Array;
  /** GLOSH outlier score per point in [0, 1] (larger is more outlying). */
  outlierScores: Float64Array;
  clusterCount: number;
  /** Condensed-tree id (≥ n) of the cluster behind each label. */
  clusterIds: Int32Array;
  condensedTree: CondensedTree;
  /** Per point, the distance to its minSamples-th nearest other point. */
  coreDistances: Float32Array;
  stats: {
    kernel: 'onnx' | 'exact' | 'none';
    /** Pairs the onnx kernel recomputed exactly (too close for float32 products). */
    refinedPairs: number;
    /** Seconds per stage. */
    seconds: HdbscanTimings;
  };
}
