import { munkres } from 'munkres';

export interface Assignment {
  /** [row, column] pairs, each row and column at most once. */
  matches: [number, number][];
  unmatchedRows: number[];
  unmatchedColumns: number[];
}

/**
 * Minimum-cost one-to-one assignment of rows to columns where leaving a row or a column unmatched
 * costs `maxCost / 2` (so a pair is only worth making when it costs less than `maxCost`), and entries
 * that are `Infinity` (gated out) are never matched. This is the "cost limit" form of the linear
 * assignment used by ByteTrack: unlike matching as many pairs as possible and dropping the expensive
 * ones afterwards, it never takes a poor pair just to free a good one elsewhere.
 *
 * Solved exactly (Hungarian method, npm `munkres`) on the (rows + columns)² matrix that adds one
 * "unmatched" slot per row and per column.
 */
export function assignWithCostLimit(
  cost: readonly (readonly number[])[],
  columns: number,
  maxCost: number,
): Assignment {
  const rows = cost.length;
  if (!(maxCost > 0) || !Number.isFinite(maxCost))
    throw new RangeError(`maxCost must be a positive number, got ${maxCost}`);
  for (const [r, row] of cost.entries()) {
    if (row.length !== columns)
      throw new RangeError(`cost row ${r} has ${row.length} entries, expected ${columns}`);
  }
  if (rows === 0 || columns === 0) {
    return { matches: [], unmatchedRows: range(rows), unmatchedColumns: range(columns) };
  }
  const half = maxCost / 2;
  const n = rows + columns;
  // [ cost        | row r unmatched (diagonal) ]
  // [ col c unmatched (diagonal) | 0            ]
  // A forbidden cell holds a finite stand-in above any complete solution's cost: the solver then
  // never prefers it, and no arithmetic on infinities is needed.
  const forbidden = n * maxCost + 1;
  const matrix: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const line = new Float64Array(n);
    if (i < rows) {
      const row = cost[i]!;
      for (let j = 0; j < columns; j++) {
        const c = row[j]!;
        line[j] = c < maxCost ? c : forbidden;
      }
      for (let j = columns; j < n; j++) line[j] = j - columns === i ? half : forbidden;
    } else {
      for (let j = 0; j < columns; j++) line[j] = j === i - rows ? half : forbidden;
    }
    matrix.push(line);
  }
  const matches: [number, number][] = [];
  const rowMatched = new Uint8Array(rows);
  const columnMatched = new Uint8Array(columns);
  for (const [r, c] of munkres(matrix)) {
    if (r < rows && c < columns && matrix[r]![c]! < forbidden) {
      matches.push([r, c]);
      rowMatched[r] = 1;
      columnMatched[c] = 1;
    }
  }
  matches.sort((a, b) => a[0] - b[0]);
  return {
    matches,
    unmatchedRows: range(rows).filter((r) => !rowMatched[r]),
    unmatchedColumns: range(columns).filter((c) => !columnMatched[c]),
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
