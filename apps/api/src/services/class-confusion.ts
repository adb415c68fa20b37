import type { Observation } from '@orion/shared';
import { flagTarget, targetName } from './flag-target.js';

/** One cell of the confusion table: how often the detector said `detected` where the flags say `target`. */
export interface ConfusionCell {
  detected: string;
  /** The suggested class, `no object`, or `unknown` (a flag with neither). */
  target: string;
  count: number;
  /** Observation ids of the first flags of this cell, for example crops. */
  examples: string[];
}

/** Detector class → suggested class over a run's flags, most frequent first. */
export function classConfusion(observations: Observation[], examplesPerCell: number): ConfusionCell[] {
  const cells = new Map<string, ConfusionCell>();
  for (const o of observations) {
    const target = flagTarget(o);
    if (!target) continue;
    const name = targetName(target);
    const key = `${o.label}\u0000${name}`;
    const cell =
      cells.get(key) ?? cells.set(key, { detected: o.label, target: name, count: 0, examples: [] }).get(key)!;
    cell.count++;
    if (cell.examples.length < examplesPerCell) cell.examples.push(o.id);
  }
  return [...cells.values()].sort(
    (a, b) => b.count - a.count || a.detected.localeCompare(b.detected) || a.target.localeCompare(b.target),
  );
}
