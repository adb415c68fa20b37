/**
 * The k smallest distances seen so far for every point, kept sorted per point so that the largest
 * (the current k-th) is a single load: most offers are rejected against it without touching the list.
 * Only values are kept: a core distance is an order statistic, which neighbour it belongs to is irrelevant.
 */
export class NearestDistances {
  /** Per point, k ascending slots; unfilled slots hold +∞. */
  private readonly sorted: Float32Array;
  /** Per point, its current k-th smallest (the rejection threshold). */
  readonly kth: Float32Array;

  constructor(
    n: number,
    readonly k: number,
  ) {
    this.sorted = new Float32Array(n * k).fill(Infinity);
    this.kth = new Float32Array(n).fill(Infinity);
  }

  /** Records `distance` for `point`; call only when `distance < kth[point]`. */
  insert(point: number, distance: number): void {
    const base = point * this.k;
    const sorted = this.sorted;
    let slot = base + this.k - 1;
    while (slot > base && sorted[slot - 1]! > distance) {
      sorted[slot] = sorted[slot - 1]!;
      slot--;
    }
    sorted[slot] = distance;
    this.kth[point] = sorted[base + this.k - 1]!;
  }

  offer(point: number, distance: number): void {
    if (distance < this.kth[point]!) this.insert(point, distance);
  }
}
