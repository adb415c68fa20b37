import { dot } from '@orion/tracking';
import type { Unit } from './group.js';

/** How far a short unit may be from the supported one it joins. */
export interface AttachSettings {
  /** Largest gap in time (s) between the two units' spans; overlapping spans count as 0. */
  maxGapSeconds: number;
  /** Largest cosine distance between their vectors. */
  maxDistance: number;
}

/**
 * Re-places the short units of one vector space (fewer detections than `minSupport`): each joins the
 * group of the closest supported unit (by vector) that lies within `maxGapSeconds` of it and
 * `maxDistance`, unless that group holds a unit it must not share a group with. Units with no such
 * neighbour keep what HDBSCAN gave them.
 *
 * Why: the mean of one or two crops of a person half in view (arriving, leaving, occluded) is a
 * poor vector, and HDBSCAN with `minClusterSize 2` pairs it with whatever is nearest in the whole
 * video: the one-by-one video's arrivals joined the previous visitor. What vouches for such a
 * fragment is that the tracker nearly continued it: a supported tracklet just before or after it,
 * within the tracker's own reach (its coasting time and re-id gate). Supported units HDBSCAN left as
 * noise get a group of their own first, so that fragments can join them. Returns the new group count.
 */
export function attachShortUnits(
  members: readonly number[],
  units: readonly Unit[],
  labels: Int32Array,
  groupCount: number,
  cannotLink: readonly [number, number][],
  settings: AttachSettings & { minSupport: number },
): number {
  const isShort = (u: number) => (units[u]!.support ?? 1) < settings.minSupport;
  const supported = members.filter((u) => !isShort(u));
  let next = groupCount;
  for (const u of supported) if (labels[u]! < 0) labels[u] = next++;
  const forbidden = new Map<number, Set<number>>();
  for (const [a, b] of cannotLink) {
    (forbidden.get(a) ?? forbidden.set(a, new Set()).get(a)!).add(b);
    (forbidden.get(b) ?? forbidden.set(b, new Set()).get(b)!).add(a);
  }

  for (const u of members.filter(isShort)) {
    let best = -1;
    let bestDistance = Infinity;
    for (const v of supported) {
      if (gapSeconds(units[u]!.span, units[v]!.span) > settings.maxGapSeconds) continue;
      const d = 1 - dot(units[u]!.embedding!, units[v]!.embedding!);
      if (d <= settings.maxDistance && d < bestDistance) {
        best = v;
        bestDistance = d;
      }
    }
    if (best < 0) continue;
    const group = labels[best]!;
    const clash = members.some((v) => labels[v] === group && forbidden.get(u)?.has(v));
    if (!clash) labels[u] = group;
  }
  return next;
}

/** Time between two spans (0 when they overlap); no span: no gap is known, so it never qualifies. */
function gapSeconds(a: readonly [number, number] | undefined, b: readonly [number, number] | undefined) {
  if (!a || !b) return Infinity;
  return Math.max(0, Math.max(a[0], b[0]) - Math.min(a[1], b[1]));
}
