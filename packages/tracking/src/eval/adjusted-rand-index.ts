/** n choose 2. */
const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985): 1 for identical
 * partitions, about 0 for chance agreement, negative below chance. Labels are compared by identity
 * (`===` semantics of Map keys), so any strings or numbers work. When both partitions are trivial
 * in the same way (everything together, or everything apart, or fewer than two items) the index is 1,
 * as in scikit-learn.
 */
export function adjustedRandIndex<A, B>(a: readonly A[], b: readonly B[]): number {
  if (a.length !== b.length) throw new RangeError(`labelings differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  const cells = new Map<A, Map<B, number>>();
  const rows = new Map<A, number>();
  const columns = new Map<B, number>();
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let row = cells.get(x);
    if (!row) cells.set(x, (row = new Map()));
    row.set(y, (row.get(y) ?? 0) + 1);
    rows.set(x, (rows.get(x) ?? 0) + 1);
    columns.set(y, (columns.get(y) ?? 0) + 1);
  }
  let together = 0;
  for (const row of cells.values()) for (const count of row.values()) together += pairs(count);
  let sumA = 0;
  for (const count of rows.values()) sumA += pairs(count);
  let sumB = 0;
  for (const count of columns.values()) sumB += pairs(count);
  const expected = n < 2 ? 0 : (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  // Zero only when both partitions are all-together or both all-apart: then they are the same.
  if (max === expected) return 1;
  return (together - expected) / (max - expected);
}
