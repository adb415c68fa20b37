/**
 * MOTChallenge track ids (whole numbers from 1) for entity ids: in order of first appearance
 * (frame, then input order), and a fresh id for each noise observation (entity null), which is
 * a track of its own as in the metrics. Returns one id per observation.
 */
export function entityTrackIds(
  observations: readonly { frame: number; entity: string | number | null }[],
): number[] {
  const order = observations
    .map((_, i) => i)
    .sort((a, b) => observations[a]!.frame - observations[b]!.frame || a - b);
  const ids = new Array<number>(observations.length);
  const known = new Map<string | number, number>();
  let next = 1;
  for (const i of order) {
    const entity = observations[i]!.entity;
    if (entity === null) {
      ids[i] = next++;
      continue;
    }
    let id = known.get(entity);
    if (id === undefined) known.set(entity, (id = next++));
    ids[i] = id;
  }
  return ids;
}
