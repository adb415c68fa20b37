import { MAX_NPROBES, NPROBES, REFINE_FACTOR, type EntityIndex } from './entity-index.js';
import type { EntityHit, EntityRow } from './entity-row.js';
import { HIT_COLUMNS, rowOf, scoreOfDistance, toHit } from './row-columns.js';
import { sqlIn, sqlString } from './sql-filter.js';
import { hasReidColumn } from './table-schema.js';

/** Which vector a match compared: re-id centroids (people) or the general embedding centroids. */
export type MatchEvidence = 'reid' | 'general';

export interface EntityMatch {
  row: EntityHit;
  /** 1 − cosine distance / 2: 1 = same direction, 0.5 = orthogonal, 0 = opposite. */
  score: number;
  evidence: { vector: MatchEvidence; distance: number; model: string };
}

/**
 * Labels that name one kind of object seen differently by the detector (a van called car in one
 * video, truck in the next); every other label is its own family.
 */
const FAMILIES: readonly (readonly string[])[] = [
  ['car', 'truck', 'bus'],
  ['motorbike', 'motorcycle', 'bicycle'],
  ['cup', 'bottle', 'wine glass'],
];

export function labelFamily(label: string): string[] {
  return [...(FAMILIES.find((f) => f.includes(label)) ?? [label])];
}

/** A tenant's rows with their vectors, all or those `where` selects, held whole (an exact scan). */
export async function readTenantRows(
  index: EntityIndex,
  tenantId: string,
  where?: string,
): Promise<EntityRow[]> {
  const table = await index.readTable(tenantId);
  if (!table) return [];
  const reid = await hasReidColumn(table);
  let q = table.query();
  if (where) q = q.where(where);
  const rows = await q.toArray();
  return rows.map((r) => rowOf(r as Record<string, unknown>, reid));
}

/** One entity's row with its vectors; undefined when the index holds none. */
export async function readEntityRow(
  index: EntityIndex,
  tenantId: string,
  videoId: string,
  entityId: string,
): Promise<EntityRow | undefined> {
  const rows = await readTenantRows(
    index,
    tenantId,
    `videoId = ${sqlString(videoId)} AND entityId = ${sqlString(entityId)}`,
  );
  return rows[0];
}

/**
 * Entities of the tenant's other videos nearest to `entity`, in its label family: by re-id centroid
 * when the entity has one (rows of the same re-id model), else by the general embedding centroid
 * (rows of the same embedding model). Best first; `minScore` cuts the tail.
 */
export async function findMatches(
  index: EntityIndex,
  entity: EntityRow,
  options: { limit: number; minScore: number },
): Promise<EntityMatch[]> {
  const table = await index.readTable(entity.tenantId);
  if (!table) return [];
  const useReid = entity.reidVector !== null && entity.reidModel !== null && (await hasReidColumn(table));
  const column = useReid ? 'reidVector' : 'vector';
  const query = useReid ? entity.reidVector : entity.vector;
  if (!query) return [];
  const model = useReid ? entity.reidModel! : entity.embeddingModel;
  const where = [
    `videoId != ${sqlString(entity.videoId)}`,
    sqlIn('label', labelFamily(entity.label)),
    useReid ? `reidModel = ${sqlString(model)}` : `embeddingModel = ${sqlString(model)}`,
  ].join(' AND '); // a vector search skips rows whose vector is null: no IS NOT NULL scan needed
  const found = await table
    .vectorSearch(query)
    .column(column)
    .distanceType('cosine')
    // As search: where the column has its IVF index, probe enough partitions and re-rank the
    // candidates on the full vectors (PQ codes alone rank too coarsely); a flat scan ignores both.
    // The re-id index holds every row, people or not (LanceDB indexes the null vectors too), so a
    // probe count left free to grow ran to its maximum every time (354 vs 61 ms p50 at 1 M rows, the
    // same top 10): its few conditions (another video, the model) leave plenty in NPROBES partitions.
    .minimumNprobes(NPROBES)
    .maximumNprobes(useReid ? NPROBES : MAX_NPROBES)
    .refineFactor(REFINE_FACTOR)
    .where(where)
    .select([...HIT_COLUMNS, '_distance'])
    .limit(options.limit)
    .toArray();
  const matches: EntityMatch[] = [];
  for (const r of found as Record<string, unknown>[]) {
    const distance = Number(r._distance);
    const score = scoreOfDistance(distance);
    if (score < options.minScore) continue;
    matches.push({
      row: toHit(r, distance),
      score,
      evidence: { vector: useReid ? 'reid' : 'general', distance, model },
    });
  }
  return matches;
}
