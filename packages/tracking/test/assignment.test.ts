import { describe, expect, it } from 'vitest';
import { assignWithCostLimit } from '../src/index.js';
import { seededRandom } from './support/random.js';

/** Every one-to-one partial assignment by brute force: the cheapest total with unmatched at maxCost / 2. */
function bruteForce(cost: number[][], columns: number, maxCost: number): number {
  let best = Infinity;
  const used = new Array<boolean>(columns).fill(false);
  const walk = (r: number, total: number, matched: number) => {
    if (r === cost.length) {
      best = Math.min(best, total + ((cost.length - matched + columns - matched) * maxCost) / 2);
      return;
    }
    walk(r + 1, total, matched);
    for (let c = 0; c < columns; c++) {
      if (used[c] || !(cost[r]![c]! < maxCost)) continue;
      used[c] = true;
      walk(r + 1, total + cost[r]![c]!, matched + 1);
      used[c] = false;
    }
  };
  walk(0, 0, 0);
  return best;
}

const totalOf = (
  cost: number[][],
  rows: number,
  columns: number,
  maxCost: number,
  matches: [number, number][],
) =>
  matches.reduce((s, [r, c]) => s + cost[r]![c]!, 0) +
  ((rows - matches.length + columns - matches.length) * maxCost) / 2;

describe('assignWithCostLimit', () => {
  it('finds the optimum of random rectangular problems with gated entries (checked by brute force)', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const rows = 1 + Math.floor(random() * 5);
      const columns = 1 + Math.floor(random() * 5);
      const cost = Array.from({ length: rows }, () =>
        Array.from({ length: columns }, () => (random() < 0.25 ? Infinity : random())),
      );
      const maxCost = 0.3 + random() * 0.7;
      const { matches, unmatchedRows, unmatchedColumns } = assignWithCostLimit(cost, columns, maxCost);
      expect(totalOf(cost, rows, columns, maxCost, matches)).toBeCloseTo(
        bruteForce(cost, columns, maxCost),
        9,
      );
      for (const [r, c] of matches) expect(cost[r]![c]!).toBeLessThan(maxCost);
      expect(new Set(matches.map((m) => m[0])).size).toBe(matches.length);
      expect(new Set(matches.map((m) => m[1])).size).toBe(matches.length);
      expect(unmatchedRows.length + matches.length).toBe(rows);
      expect(unmatchedColumns.length + matches.length).toBe(columns);
    }
  });

  it('does not take a poor pair just to free a good one (cost limit semantics)', () => {
    // Track 0 fits detection 0 well (0.1) and detection 1 poorly (0.7); track 1 fits only detection 0
    // (0.75). Matching both (0.7 + 0.75 = 1.45) costs more than one good pair and two leftovers
    // (0.1 + 2 × 0.4 = 0.9) with maxCost 0.8.
    const result = assignWithCostLimit(
      [
        [0.1, 0.7],
        [0.75, Infinity],
      ],
      2,
      0.8,
    );
    expect(result.matches).toEqual([[0, 0]]);
    expect(result.unmatchedRows).toEqual([1]);
    expect(result.unmatchedColumns).toEqual([1]);
  });

  it('handles empty sides and refuses ragged rows and a bad limit', () => {
    expect(assignWithCostLimit([], 3, 1)).toEqual({
      matches: [],
      unmatchedRows: [],
      unmatchedColumns: [0, 1, 2],
    });
    expect(assignWithCostLimit([[], []], 0, 1)).toEqual({
      matches: [],
      unmatchedRows: [0, 1],
      unmatchedColumns: [],
    });
    expect(() => assignWithCostLimit([[0.1, 0.2], [0.3]], 2, 1)).toThrow(/row 1 has 1 entries, expected 2/);
    expect(() => assignWithCostLimit([[0.1]], 1, 0)).toThrow(/maxCost must be a positive number/);
  });
});
