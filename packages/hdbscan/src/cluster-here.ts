import { computePairwiseDistances } from './distance/pairwise-pass.js';
import { resolveOptions, type HdbscanOptions, type ResolvedOptions } from './options.js';
import { toPointMatrix, type PointMatrix, type Points } from './points.js';
import type { HdbscanResult } from './result.js';
import { clusterHierarchy } from './tree/cluster-hierarchy.js';
import { selectClusters } from './tree/cluster-selection.js';
import { condenseTree } from './tree/condensed-tree.js';
import { labelPoints } from './tree/labelling.js';
import { outlierScores } from './tree/outlier-scores.js';
import { primSpanningTree } from './tree/prim-spanning-tree.js';
import { singleLinkage } from './tree/single-linkage.js';

const seconds = (since: number) => (performance.now() - since) / 1000;

function resultWithoutStructure(n: number, started: number): HdbscanResult {
  return {
    labels: new Int32Array(n).fill(-1),
    probabilities: new Float64Array(n),
    outlierScores: new Float64Array(n),
    clusterCount: 0,
    clusterIds: new Int32Array(0),
    condensedTree: {
      n,
      parent: new Int32Array(0),
      child: new Int32Array(0),
      lambda: new Float64Array(0),
      childSize: new Int32Array(0),
      clusterCount: 0,
    },
    coreDistances: new Float32Array(n).fill(Infinity),
    stats: {
      kernel: 'none',
      refinedPairs: 0,
      seconds: { distances: 0, spanningTree: 0, tree: 0, total: seconds(started) },
    },
  };
}

/**
 * HDBSCAN* on the calling thread. `hdbscan()` runs this in a worker thread; call it directly only where
 * blocking the thread for the whole computation is acceptable (it is already a worker, a script).
 */
export async function hdbscanOnThisThread(
  points: Points,
  options: HdbscanOptions = {},
): Promise<HdbscanResult> {
  const opts = resolveOptions(options);
  return clusterCheckedMatrix(toPointMatrix(points), opts, false);
}

/**
 * The pipeline on points and options already checked. With `reuseInput` the points' buffer may be
 * overwritten (the worker owns its copy).
 */
export async function clusterCheckedMatrix(
  matrix: PointMatrix,
  opts: ResolvedOptions,
  reuseInput: boolean,
): Promise<HdbscanResult> {
  const started = performance.now();
  const n = matrix.rows;
  if (n < 2) return resultWithoutStructure(n, started);

  const distances = await computePairwiseDistances(
    matrix,
    opts.metric,
    opts.minSamples,
    opts.kernel,
    opts.threads,
    reuseInput,
  );
  const distancesDone = performance.now();

  const edges = primSpanningTree(distances.triangle, distances.coreDistances);
  const spanningDone = performance.now();

  const condensedTree = condenseTree(singleLinkage(n, edges), opts.minClusterSize);
  const hierarchy = clusterHierarchy(condensedTree);
  const selected = selectClusters(hierarchy, {
    method: opts.clusterSelectionMethod,
    epsilon: opts.clusterSelectionEpsilon,
    allowSingleCluster: opts.allowSingleCluster,
    rootEligible: n >= opts.minClusterSize,
  });
  const { labels, probabilities, clusterIds } = labelPoints(condensedTree, hierarchy, selected, {
    epsilon: opts.clusterSelectionEpsilon,
    allowSingleCluster: opts.allowSingleCluster,
  });
  const scores = outlierScores(condensedTree, hierarchy);
  const done = performance.now();

  return {
    labels,
    probabilities,
    outlierScores: scores,
    clusterCount: clusterIds.length,
    clusterIds,
    condensedTree,
    coreDistances: distances.coreDistances,
    stats: {
      kernel: distances.kernel,
      refinedPairs: distances.refinedPairs,
      seconds: {
        distances: (distancesDone - started) / 1000,
        spanningTree: (spanningDone - distancesDone) / 1000,
        tree: (done - spanningDone) / 1000,
        total: seconds(started),
      },
    },
  };
}
