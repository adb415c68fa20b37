import { dot } from './vector.js';

/**
 * A track's appearance in one vector space (general embedding or re-id vector): a unit vector kept as
 * an exponential average over time, so a pose change shifts it gradually.
 */
export class RunningAppearance {
  private vector: Float32Array | null;

  constructor(first: Float32Array | null) {
    this.vector = first ? first.slice() : null;
  }

  /** Cosine distance (1 − cos) to a unit vector; null if either side has none. */
  distance(v: Float32Array | null): number | null {
    return this.vector && v ? 1 - dot(this.vector, v) : null;
  }

  /** Blends a unit vector in, keeping `keep` of the old one (∈ [0, 1]). */
  blend(v: Float32Array | null, keep: number): void {
    if (!v) return;
    if (!this.vector) {
      this.vector = v.slice();
      return;
    }
    let sum = 0;
    for (let i = 0; i < v.length; i++) {
      const x = keep * this.vector[i]! + (1 - keep) * v[i]!;
      this.vector[i] = x;
      sum += x * x;
    }
    // Two unit vectors never average to zero unless opposite; keep the old one then.
    const norm = Math.sqrt(sum);
    if (norm > 0) for (let i = 0; i < v.length; i++) this.vector[i]! /= norm;
  }
}
