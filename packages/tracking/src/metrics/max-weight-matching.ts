import { munkres } from 'munkres';

/**
 * One-to-one pairs of rows and columns with the largest total weight (weights ≥ 0; a pair of weight
 * 0 may be returned, callers filter what they need). Solved exactly by the Hungarian method (npm
 * `munkres`, which handles rectangular matrices) on `max − weight`.
 */
export function maxWeightMatching(
  weights: readonly ArrayLike<number>[],
  columns: number,
): [number, number][] {
  if (weights.length === 0 || columns === 0) return [];
  let max = 0;
  for (const row of weights) for (let j = 0; j < columns; j++) max = Math.max(max, row[j]!);
  const cost = weights.map((row) => Float64Array.from({ length: columns }, (_, j) => max - row[j]!));
  return munkres(cost);
}
