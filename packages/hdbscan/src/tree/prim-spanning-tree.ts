import { columnOffset, type DistanceTriangle } from '../distance/distance-triangle.js';

/** Spanning-tree edges in the order Prim's algorithm adds them. */
export interface SpanningEdges {
  from: Int32Array;
  to: Int32Array;
  /** Mutual-reachability distance of each edge (float32 values). */
  weight: Float64Array;
}

/**
 * Prim's algorithm on the complete mutual-reachability graph,
 * mr(a, b) = max(core(a), core(b), d(a, b)), read from the triangle without materialising it.
 *
 * Ties are frequent (every edge whose mr is a core distance ties with the others at that value), so
 * the order is fixed the way the reference does it: start at point 0; each step scans the points not
 * yet in the tree in ascending index and takes the first strict minimum. Edge k joins the point added
 * at step k to the point added just before it (not its nearest tree point): the single-linkage
 * hierarchy built from these edges is the same, and it matches the reference's exactly.
 *
 * Since mr(v, j) ≥ max(core(v), core(j)), a point whose best distance is already at or below that bound
 * cannot improve and its triangle entry is not read (saving mostly strided column reads).
 */
export function primSpanningTree(triangle: DistanceTriangle, core: Float32Array): SpanningEdges {
  const { n, values, rowStart } = triangle;
  const edges = Math.max(0, n - 1);
  const from = new Int32Array(edges);
  const to = new Int32Array(edges);
  const weight = new Float64Array(edges);

  // The points not yet in the tree, ascending, with what the scan needs of each stored alongside
  // (sequential reads instead of gathers by point index): best mr to the tree so far, core distance,
  // and where its row starts / its column sits in the triangle.
  const remaining = new Int32Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const coreOf = new Float64Array(n);
  const rowOf = new Float64Array(n);
  const columnOf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    remaining[i] = i;
    coreOf[i] = core[i]!;
    rowOf[i] = rowStart[i]!;
    columnOf[i] = columnOffset(i);
  }
  // Points taken into the tree stay in the lists as tombstones (core and best +∞: never read, never
  // chosen) and are squeezed out only once they make up an eighth of the lists, which keeps the lists
  // ascending without moving them at every step.
  let count = n;
  let tombstones = 0;
  const compact = () => {
    let kept = 0;
    for (let at = 0; at < count; at++) {
      if (coreOf[at] === Infinity) continue;
      remaining[kept] = remaining[at]!;
      best[kept] = best[at]!;
      coreOf[kept] = coreOf[at]!;
      rowOf[kept] = rowOf[at]!;
      columnOf[kept] = columnOf[at]!;
      kept++;
    }
    count = kept;
    tombstones = 0;
  };

  let current = 0;
  let currentAt = 0; // position of `current` in the lists; the ones before it have smaller indexes
  for (let step = 0; step < edges; step++) {
    const coreCurrent = coreOf[currentAt]!;
    const currentRow = rowOf[currentAt]!; // (current, j > current) is at currentRow + columnOf(j)
    const currentColumn = columnOf[currentAt]!; // (j < current, current) is at rowOf(j) + currentColumn
    coreOf[currentAt] = Infinity;
    best[currentAt] = Infinity;
    tombstones++;

    // One scan over every point still listed: tombstones (the current point included) are never read
    // nor chosen. A point before `current` holds their pair in its own row, (j, current); a point after
    // it in current's row, (current, j).
    let minValue = Infinity;
    let minAt = -1;
    for (let at = 0; at < count; at++) {
      let b = best[at]!;
      const coreJ = coreOf[at]!;
      const bound = coreJ > coreCurrent ? coreJ : coreCurrent;
      if (b > bound) {
        const d = values[at < currentAt ? rowOf[at]! + currentColumn : currentRow + columnOf[at]!]!;
        const mr = d > bound ? d : bound;
        if (mr < b) {
          b = mr;
          best[at] = mr;
        }
      }
      if (b < minValue) {
        minValue = b;
        minAt = at;
      }
    }
    const next = remaining[minAt]!;
    from[step] = current;
    to[step] = next;
    weight[step] = minValue;
    current = next;
    currentAt = minAt;
    if (tombstones * 8 > count) {
      compact();
      currentAt = remaining.subarray(0, count).indexOf(current);
    }
  }
  return { from, to, weight };
}
