import { dot } from '@orion/tracking';
/**
 * Cuts one group of unit vectors into parts by complete linkage: parts are merged closest first
 * (distance of two parts = their farthest pair, cosine distance) while that distance stays ≤ `cap`,
 * so no two members of a part end up farther apart than `cap`. Returns the parts as member indices.
 * O(n³) in the group size: meant for tracklets (a few dozen per group), not single observations.
 */
export function cutByCompleteLinkage(
  vectors: readonly Float32Array[],
  cap: number,
  trusted: readonly boolean[] = vectors.map(() => true),
): number[][] {
  let parts = vectors.map((_, i) => [i]);
  // Farthest-pair distance between parts, kept up to date on each merge (Lance–Williams: the max).
  // A pair with an untrusted member (a mean of too few crops to be sure of) never blocks a merge.
  let between = vectors.map((a, i) => vectors.map((b, j) => (trusted[i] && trusted[j] ? 1 - dot(a, b) : 0)));
  for (;;) {
    let best: [number, number] | null = null;
    let bestDistance = Infinity;
    for (let x = 0; x < parts.length; x++)
      for (let y = x + 1; y < parts.length; y++) {
        const d = between[x]![y]!;
        if (d <= cap && d < bestDistance) {
          best = [x, y];
          bestDistance = d;
        }
      }
    if (!best) return parts;
    const [x, y] = best;
    const keep = parts.map((_, k) => k).filter((k) => k !== x && k !== y);
    const merged = keep.map((k) => Math.max(between[x]![k]!, between[y]![k]!));
    between = [...keep.map((k, r) => [...keep.map((l) => between[k]![l]!), merged[r]!]), [...merged, 0]];
    parts = [...keep.map((k) => parts[k]!), [...parts[x]!, ...parts[y]!]];
  }
}
