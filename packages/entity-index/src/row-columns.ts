import type { EntityHit, EntityRow } from './entity-row.js';

/** Columns a hit returns: everything but the vectors. */
export const HIT_COLUMNS = [
  'tenantId',
  'videoId',
  'runId',
  'entityId',
  'label',
  'firstSeen',
  'lastSeen',
  'observationCount',
  'flaggedObservations',
  'likelyFalsePositive',
  'tags',
  'embeddingModel',
];

/** Score of a cosine distance (0 … 2), the same for searches and matches: 1 − d/2. */
export function scoreOfDistance(distance: number): number {
  return Math.min(1, Math.max(0, 1 - distance / 2));
}

/** Arrow values (lists, vectors) as plain arrays. */
function list(v: unknown): unknown[] | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v;
  return Array.from((v as { toArray(): ArrayLike<unknown> }).toArray());
}

/** A row's fields, its vectors left out (they are the bulk of it). */
export function fieldsOf(
  r: Record<string, unknown>,
  hasReid: boolean,
): Omit<EntityRow, 'vector' | 'reidVector'> {
  return {
    tenantId: String(r.tenantId),
    videoId: String(r.videoId),
    runId: String(r.runId),
    entityId: String(r.entityId),
    label: String(r.label),
    firstSeen: Number(r.firstSeen),
    lastSeen: Number(r.lastSeen),
    observationCount: Number(r.observationCount),
    flaggedObservations: Number(r.flaggedObservations),
    likelyFalsePositive: Boolean(r.likelyFalsePositive),
    tags: (list(r.tags) ?? []).map(String),
    embeddingModel: String(r.embeddingModel),
    reidModel: hasReid && r.reidModel != null ? String(r.reidModel) : null,
  };
}

export function rowOf(r: Record<string, unknown>, hasReid: boolean): EntityRow {
  const vector = list(r.vector);
  const reid = hasReid ? list(r.reidVector) : null;
  return {
    ...fieldsOf(r, hasReid),
    vector: vector ? vector.map(Number) : null,
    reidVector: reid ? reid.map(Number) : null,
  };
}

/** A vector cell as its own float32 copy (no view into the batch, which it would keep alive). */
export function floatsOf(v: unknown): Float32Array | null {
  if (v === null || v === undefined) return null;
  return Float32Array.from((v as { toArray(): ArrayLike<number> }).toArray());
}

export function hitOf(row: EntityRow, distance: number | null): EntityHit {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { vector, reidModel, reidVector, ...rest } = row;
  return { ...rest, distance };
}

/** A hit from a row read without its vectors. */
export function toHit(r: Record<string, unknown>, distance: number | null): EntityHit {
  return hitOf(rowOf(r, false), distance);
}
