/**
 * Points whose cluster assignment disagrees between two labelings, comparing partitions rather than
 * label numbers: noise must be noise in both, and the labels must correspond one to one.
 */
export function partitionMismatches(ours: ArrayLike<number>, reference: ArrayLike<number>): number[] {
  if (ours.length !== reference.length)
    throw new Error(`lengths differ: ${ours.length} vs ${reference.length}`);
  const forward = new Map<number, number>();
  const backward = new Map<number, number>();
  const mismatches: number[] = [];
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = reference[i]!;
    if (a === -1 || b === -1) {
      if (a !== b) mismatches.push(i);
      continue;
    }
    if (!forward.has(a)) forward.set(a, b);
    if (!backward.has(b)) backward.set(b, a);
    if (forward.get(a) !== b || backward.get(b) !== a) mismatches.push(i);
  }
  return mismatches;
}

export function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
  return largest;
}
