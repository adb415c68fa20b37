import type { Tracklet } from './types.js';

/**
 * Pairs [a, b] (a < b) of tracklets seen in the same frame, sorted. Such tracklets are two objects
 * at once, so whatever groups tracklets later must keep them apart. The count is bounded by the sum
 * over frames of (tracklets in the frame)², in practice far less because pairs repeat.
 */
export function cannotLinkPairs(
  tracklets: readonly Pick<Tracklet<unknown>, 'id' | 'frames'>[],
): [number, number][] {
  const byFrame = new Map<number, number[]>();
  for (const t of tracklets) {
    for (const f of t.frames) {
      const list = byFrame.get(f);
      if (list) list.push(t.id);
      else byFrame.set(f, [t.id]);
    }
  }
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  const n = tracklets.length;
  for (const ids of byFrame.values()) {
    const unique = [...new Set(ids)].sort((a, b) => a - b);
    for (let x = 0; x < unique.length; x++) {
      for (let y = x + 1; y < unique.length; y++) {
        const a = unique[x]!;
        const b = unique[y]!;
        const key = a * n + b;
        if (seen.has(key)) continue;
        seen.add(key);
        pairs.push([a, b]);
      }
    }
  }
  return pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
}
