export type Metric = 'euclidean' | 'cosine';
export type ClusterSelectionMethod = 'eom' | 'leaf';
/**
 * How the all-pairs distances are computed. `onnx`: a float32 matrix product through onnxruntime (fast;
 * pairs closer than about 3% of their norms are recomputed exactly). `exact`: float64 differences in
 * JavaScript (for few dimensions, where a matrix product would lose precision and gain no speed).
 * `auto` picks `onnx` from 16 dimensions and 128 points up, `exact` otherwise.
 */
export type DistanceKernel = 'auto' | 'onnx' | 'exact';

export interface HdbscanOptions {
  /** Smallest group that counts as a cluster (whole number ≥ 2; default 5). */
  minClusterSize?: number;
  /**
   * Neighbours that make a point a core point: its core distance is the distance to its
   * `minSamples`-th nearest other point, the point itself not counted (whole number ≥ 1; default
   * `minClusterSize`; capped at n − 1). This is the convention of the Python `hdbscan` library;
   * scikit-learn's `sklearn.cluster.HDBSCAN(min_samples=k)` equals `minSamples: k − 1` here.
   */
  minSamples?: number;
  /** Clusters born at a distance below this are merged up to their ancestor born above it (default 0). */
  clusterSelectionEpsilon?: number;
  /** `eom` (excess of mass, default) or `leaf` (the finest clusters of the condensed tree). */
  clusterSelectionMethod?: ClusterSelectionMethod;
  /** Let the root (everything) be selected as the one cluster (default false). */
  allowSingleCluster?: boolean;
  /**
   * `euclidean` (default) or `cosine`: 1 − cos θ, computed on L2-normalised copies of the points (a
   * zero vector is an error). Cosine orders pairs like euclidean on unit vectors, but distances, and
   * so epsilon, differ: ε_cosine = ε_euclidean² / 2.
   */
  metric?: Metric;
  kernel?: DistanceKernel;
  /** Threads for the onnx kernel's matrix product (default: the machine's available parallelism). */
  threads?: number;
}

export type ResolvedOptions = Required<Omit<HdbscanOptions, 'minSamples' | 'threads'>> & {
  minSamples: number;
  threads: number | undefined;
};

const METRICS: readonly Metric[] = ['euclidean', 'cosine'];
const METHODS: readonly ClusterSelectionMethod[] = ['eom', 'leaf'];
const KERNELS: readonly DistanceKernel[] = ['auto', 'onnx', 'exact'];
const KNOWN_OPTIONS = new Set([
  'minClusterSize',
  'minSamples',
  'clusterSelectionEpsilon',
  'clusterSelectionMethod',
  'allowSingleCluster',
  'metric',
  'kernel',
  'threads',
]);

function wholeNumber(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be a whole number ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new RangeError(
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${String(value)}`,
    );
  }
  return value as T;
}

/** Validates the options (naming the offending one) and fills in the defaults. */
export function resolveOptions(options: HdbscanOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new RangeError(`Unknown HDBSCAN option '${key}'`);
  }
  const minClusterSize = wholeNumber('minClusterSize', options.minClusterSize ?? 5, 2);
  const minSamples = wholeNumber('minSamples', options.minSamples ?? minClusterSize, 1);
  const epsilon = options.clusterSelectionEpsilon ?? 0;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new RangeError(`clusterSelectionEpsilon must be a finite number ≥ 0, got ${String(epsilon)}`);
  }
  const allowSingleCluster = options.allowSingleCluster ?? false;
  if (typeof allowSingleCluster !== 'boolean') {
    throw new TypeError(`allowSingleCluster must be a boolean, got ${String(allowSingleCluster)}`);
  }
  const threads = options.threads === undefined ? undefined : wholeNumber('threads', options.threads, 1);
  return {
    minClusterSize,
    minSamples,
    clusterSelectionEpsilon: epsilon,
    clusterSelectionMethod: oneOf('clusterSelectionMethod', options.clusterSelectionMethod ?? 'eom', METHODS),
    allowSingleCluster,
    metric: oneOf('metric', options.metric ?? 'euclidean', METRICS),
    kernel: oneOf('kernel', options.kernel ?? 'auto', KERNELS),
    threads,
  };
}
