/** Small vector helpers on Float32Array; embeddings are compared by dot products of unit vectors. */

export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length: ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Scales `v` to unit length in place; a zero vector cannot be, and is an error. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const norm = Math.sqrt(s);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new RangeError(
      `cannot normalise a vector of length ${norm} (the model output is zero or not finite)`,
    );
  }
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/** Subtracts the vector's own mean from each element, in place. */
export function centreInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  for (let i = 0; i < v.length; i++) v[i]! -= mean;
  return v;
}

/** normalize((1 − w)·a + w·b): the mix of two unit vectors, `w` the weight of `b`. */
export function weightedMean(a: Float32Array, b: Float32Array, w: number): Float32Array {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length: ${a.length} and ${b.length}`);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - w) * a[i]! + w * b[i]!;
  return normalizeInPlace(out);
}

/** Softmax of `logits × scale`, computed stably. */
export function softmax(logits: ArrayLike<number>, scale = 1): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! * scale);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! * scale - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}
