/** One of the detector's five most probable classes for a box (as the detections file stores them). */
export interface TopClass {
  class: number;
  p: number;
}

/** The detector's best other class probability over its probability for `label` (2 when `label` is not in its top 5). */
export function detectorRunnerUp(
  top5: readonly TopClass[],
  labels: readonly string[],
  label: string,
): number {
  const own = top5.find((t) => labels[t.class] === label)?.p;
  const other = top5.find((t) => labels[t.class] !== label)?.p ?? 0;
  return own ? other / own : 2;
}

/** The detector's most probable class other than `label` (null: none in its top 5). */
export function detectorNextClass(
  top5: readonly TopClass[],
  labels: readonly string[],
  label: string,
): string | null {
  const next = top5.find((t) => labels[t.class] !== label);
  return next ? (labels[next.class] ?? null) : null;
}
