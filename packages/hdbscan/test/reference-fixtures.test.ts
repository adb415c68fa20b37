import { readFileSync } from 'node:fs';
import { fixturePath } from '@orion/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  hdbscanOnThisThread,
  type DistanceKernel,
  type HdbscanOptions,
  type PointMatrix,
} from '../src/index.js';
import { readNpyMatrix } from './support/npy.js';
import { largestDifference, partitionMismatches } from './support/partition.js';

/** One output of the reference (scikit-learn-contrib hdbscan 0.8.43, algorithm 'generic'). */
interface ReferenceCase {
  dataset: string;
  tag: string;
  params: {
    min_cluster_size: number;
    min_samples: number | null;
    cluster_selection_method: 'eom' | 'leaf';
    cluster_selection_epsilon: number;
    metric: 'euclidean' | 'cosine';
    allow_single_cluster: boolean;
  };
  n_clusters: number;
  labels: number[];
  probabilities: number[];
  outlier_scores: number[];
}

const readJson = <T>(...parts: string[]): T =>
  JSON.parse(readFileSync(fixturePath('hdbscan', ...parts), 'utf8')) as T;
const index = readJson<{ dataset: string; tag: string }[]>('reference', 'index.json');
const datasets = new Map<string, PointMatrix>();
const dataset = (name: string) => {
  if (!datasets.has(name)) datasets.set(name, readNpyMatrix(fixturePath('hdbscan', 'data', `${name}.npy`)));
  return datasets.get(name)!;
};

function optionsOf(params: ReferenceCase['params'], kernel: DistanceKernel): HdbscanOptions {
  return {
    minClusterSize: params.min_cluster_size,
    ...(params.min_samples === null ? {} : { minSamples: params.min_samples }),
    clusterSelectionMethod: params.cluster_selection_method,
    clusterSelectionEpsilon: params.cluster_selection_epsilon,
    allowSingleCluster: params.allow_single_cluster,
    metric: params.metric,
    kernel,
  };
}

// Float32 distances agree with the reference's float64 ones to ~1e-7; float32 matrix products to ~1e-5.
const TOLERANCE: Record<'exact' | 'onnx', number> = { exact: 1e-6, onnx: 1e-4 };

/**
 * Every reference case with the default kernel choice, plus the kernel `auto` does not pick for that
 * data: float32 products on the low-dimensional sets, float64 differences on the smaller embedding set.
 */
const runs: { kase: { dataset: string; tag: string }; kernel: DistanceKernel }[] = [
  ...index.map((kase) => ({ kase, kernel: 'auto' as const })),
  ...index.filter((c) => !c.dataset.startsWith('emb_')).map((kase) => ({ kase, kernel: 'onnx' as const })),
  ...index.filter((c) => c.dataset === 'emb_500_d512').map((kase) => ({ kase, kernel: 'exact' as const })),
];

interface Agreement {
  run: string;
  kernel: 'exact' | 'onnx';
  probability: number;
  score: number;
  scoresOff: number;
}
const agreements: Agreement[] = [];
afterAll(() => {
  const lines = (['exact', 'onnx'] as const).map((kernel) => {
    const mine = agreements.filter((a) => a.kernel === kernel);
    const worst = (key: 'probability' | 'score') =>
      mine.reduce((w, a) => (a[key] > w[key] ? a : w), mine[0]!);
    const off = mine.filter((a) => a.scoresOff > 0).map((a) => `${a.run} (${a.scoresOff})`);
    return (
      `${kernel} kernel, ${mine.length} runs: largest probability difference ${worst('probability').probability.toExponential(2)} ` +
      `(${worst('probability').run}); largest outlier-score difference ${worst('score').score.toExponential(2)} (${worst('score').run}); ` +
      `outlier scores beyond tolerance: ${off.length === 0 ? 'none' : off.join(', ')}`
    );
  });
  console.log(`Agreement with the reference:\n${lines.join('\n')}`);
});

describe('the reference cases in ../shared/fixtures/hdbscan', () => {
  it('lists 8 datasets and 50 cases', () => {
    expect(new Set(index.map((c) => c.dataset)).size).toBe(8);
    expect(index).toHaveLength(50);
  });

  it.each(runs)('$kase.dataset $kase.tag ($kernel kernel)', async ({ kase, kernel }) => {
    const reference = readJson<ReferenceCase>('reference', `${kase.dataset}__${kase.tag}.json`);
    const points = dataset(kase.dataset);
    const result = await hdbscanOnThisThread(points, optionsOf(reference.params, kernel));
    const usedKernel = result.stats.kernel as 'exact' | 'onnx';

    // Same partition, same noise points (labels may be numbered differently).
    expect(partitionMismatches(result.labels, reference.labels)).toEqual([]);
    expect(result.clusterCount).toBe(reference.n_clusters);

    const tolerance = TOLERANCE[usedKernel];
    const probabilityDiff = largestDifference(result.probabilities, reference.probabilities);
    expect(probabilityDiff).toBeLessThan(tolerance);
    // A point leaving at exactly a split's lambda may be recorded under the parent or under the child:
    // the reference decides such ties with its (not quite symmetric) float64 matrix, so allow 0.2%.
    const scoreDiffs = reference.outlier_scores.map((s, i) => Math.abs(s - result.outlierScores[i]!));
    const scoresOff = scoreDiffs.filter((d) => d >= tolerance).length;
    expect(scoresOff).toBeLessThanOrEqual(Math.ceil(points.rows * 0.002));
    agreements.push({
      run: `${kase.dataset} ${kase.tag}`,
      kernel: usedKernel,
      probability: probabilityDiff,
      score: Math.max(...scoreDiffs),
      scoresOff,
    });
  });
});
