/**
 * Logistic regression, fitted by gradient descent with an L2 penalty on standardised features.
 * Written here in a few lines: the model is ten weights, and pulling a machine-learning library
 * (TensorFlow.js and the like) into the embed worker for them is not worth its size.
 */
export interface LogisticModel {
  /** Per-feature mean and standard deviation the weights apply to. */
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
}

export interface FitOptions {
  l2: number;
  iterations: number;
  learningRate: number;
}

export const DEFAULT_FIT: FitOptions = { l2: 1, iterations: 3000, learningRate: 0.3 };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Fits p(y = 1 | x). `x`: rows of features; `y`: 0/1. */
export function fitLogistic(
  x: readonly number[][],
  y: readonly number[],
  opts: FitOptions = DEFAULT_FIT,
): LogisticModel {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  if (!n || y.length !== n)
    throw new RangeError('fitLogistic needs as many labels as rows, and at least one row');
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / n);
  const std = mean.map((m, j) => Math.sqrt(x.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / n) || 1);
  const z = x.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  for (let it = 0; it < opts.iterations; it++) {
    const grad = new Array<number>(d).fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const err = sigmoid(bias + z[i]!.reduce((s, v, j) => s + v * weights[j]!, 0)) - y[i]!;
      gb += err;
      for (let j = 0; j < d; j++) grad[j]! += err * z[i]![j]!;
    }
    for (let j = 0; j < d; j++) weights[j]! -= (opts.learningRate * (grad[j]! + opts.l2 * weights[j]!)) / n;
    bias -= (opts.learningRate * gb) / n;
  }
  return { mean, std, weights, bias };
}

export function predictLogistic(model: LogisticModel, x: readonly number[]): number {
  let s = model.bias;
  x.forEach((v, j) => (s += (model.weights[j]! * (v - model.mean[j]!)) / model.std[j]!));
  return sigmoid(s);
}
