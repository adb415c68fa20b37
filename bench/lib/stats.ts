/** A repeated measurement: its median and how far the runs spread around it. */
export interface Measured {
  median: number;
  min: number;
  max: number;
  runs: number[];
  /** (max − min) / median: the spread to read any difference against. */
  spread: number;
}

export function measured(runs: number[]): Measured {
  if (runs.length === 0) throw new RangeError('no runs to summarise');
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  return { median, min, max, runs, spread: median > 0 ? (max - min) / median : 0 };
}

/** Median of paired ratios a[i] / b[i]: pairs measured back to back share the machine's load. */
export function pairedRatio(a: number[], b: number[]): Measured {
  if (a.length !== b.length) throw new RangeError('paired runs differ in count');
  return measured(a.map((x, i) => x / b[i]!));
}

/** "12.3 (11.9–13.0)" */
export function fmt(m: Measured, digits = 1): string {
  return m.runs.length > 1
    ? `${m.median.toFixed(digits)} (${m.min.toFixed(digits)}–${m.max.toFixed(digits)})`
    : m.median.toFixed(digits);
}
