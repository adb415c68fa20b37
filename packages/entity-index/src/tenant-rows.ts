import type { EntityIndex } from './entity-index.js';
import type { EntityRow } from './entity-row.js';
import { fieldsOf, floatsOf } from './row-columns.js';
import { hasReidColumn } from './table-schema.js';

/** What decides whether a row is grouped, without its vectors: its pool and how well it was seen. */
export type RowFields = Pick<
  EntityRow,
  | 'videoId'
  | 'entityId'
  | 'label'
  | 'observationCount'
  | 'firstSeen'
  | 'lastSeen'
  | 'likelyFalsePositive'
  | 'embeddingModel'
  | 'reidModel'
> & { hasVector: boolean; hasReid: boolean };

/** The key that names one entity of a tenant. */
export function rowKey(row: { videoId: string; entityId: string }): string {
  return `${row.videoId}\u0000${row.entityId}`;
}

/**
 * Every row of a tenant as `RowFields`, streamed batch by batch (about 0.5 KiB of heap a row, against
 * 5 KiB with a 512-d vector): enough to decide which rows to read whole.
 */
export async function readTenantFields(index: EntityIndex, tenantId: string): Promise<RowFields[]> {
  const table = await index.readTable(tenantId);
  if (!table) return [];
  const reid = await hasReidColumn(table);
  const plain = [
    'videoId',
    'entityId',
    'label',
    'observationCount',
    'firstSeen',
    'lastSeen',
    'likelyFalsePositive',
    'embeddingModel',
  ];
  const columns: Record<string, string> = {
    // Backticks keep the camelCase names (unquoted, LanceDB's SQL lower-cases them).
    ...Object.fromEntries(plain.map((c) => [c, `\`${c}\``])),
    hasVector: '`vector` IS NOT NULL',
    ...(reid ? { reidModel: '`reidModel`', hasReid: '`reidVector` IS NOT NULL' } : {}),
  };
  const out: RowFields[] = [];
  for await (const batch of table.query().select(columns)) {
    for (const r of batch.toArray() as Record<string, unknown>[]) {
      out.push({
        videoId: String(r.videoId),
        entityId: String(r.entityId),
        label: String(r.label),
        observationCount: Number(r.observationCount),
        firstSeen: Number(r.firstSeen),
        lastSeen: Number(r.lastSeen),
        likelyFalsePositive: Boolean(r.likelyFalsePositive),
        embeddingModel: String(r.embeddingModel),
        reidModel: reid && r.reidModel != null ? String(r.reidModel) : null,
        hasVector: Boolean(r.hasVector),
        hasReid: reid && Boolean(r.hasReid),
      });
    }
  }
  return out;
}

/**
 * A row as the identities job holds it: vectors as float32, as stored (a number[] of 512 takes twice
 * the memory, and a job holds hundreds of thousands of rows at a million entities).
 */
export type CompactRow = Omit<EntityRow, 'vector' | 'reidVector'> & {
  vector: Float32Array | null;
  reidVector: Float32Array | null;
};

/**
 * The tenant's rows with their vectors, streamed batch by batch; with `keep`, only the rows whose key
 * it holds are kept, so memory holds those and one batch.
 */
export async function readTenantRowsKept(
  index: EntityIndex,
  tenantId: string,
  keep?: ReadonlySet<string>,
): Promise<CompactRow[]> {
  const table = await index.readTable(tenantId);
  if (!table) return [];
  const reid = await hasReidColumn(table);
  const out: CompactRow[] = [];
  for await (const batch of table.query()) {
    for (const r of batch.toArray() as Record<string, unknown>[]) {
      if (keep && !keep.has(rowKey({ videoId: String(r.videoId), entityId: String(r.entityId) }))) continue;
      out.push({
        ...fieldsOf(r, reid),
        vector: floatsOf(r.vector),
        reidVector: reid ? floatsOf(r.reidVector) : null,
      });
    }
  }
  return out;
}
