import { Index, type Table } from '@lancedb/lancedb';
import type { Schema } from 'apache-arrow';
import { columnNames } from './table-schema.js';

/**
 * Scalar indices on the columns every filtered query names: without them LanceDB evaluates a `where`
 * over every row of the table before the vector search (a video filter cost 1.5 s p50 at 1 M rows,
 * bench --sections search). BTREE for the many-valued video id, BITMAP for the few labels and
 * embedding models, and for the re-id model that every match of a person names (35 ms of a 93 ms
 * match at 1 M rows without it). A table gets the re-id column with its first person.
 */
export const SCALAR_INDICES = [
  { column: 'videoId', name: 'videoId_idx', config: () => Index.btree() },
  { column: 'label', name: 'label_idx', config: () => Index.bitmap() },
  { column: 'embeddingModel', name: 'embeddingModel_idx', config: () => Index.bitmap() },
  { column: 'reidModel', name: 'reidModel_idx', config: () => Index.bitmap() },
] as const;

/** The scalar indices a table of `schema` lacks (`existing` names its indices), of columns it has. */
export function missingScalarIndices(schema: Schema, existing: readonly string[]) {
  const columns = columnNames(schema);
  return SCALAR_INDICES.filter((s) => !existing.includes(s.name) && columns.has(s.column));
}

/** Builds the scalar indices the table lacks; returns the names built. */
export async function ensureScalarIndices(table: Table, existing?: string[]): Promise<string[]> {
  const have = existing ?? (await table.listIndices()).map((i) => i.name);
  const built: string[] = [];
  for (const s of missingScalarIndices(await table.schema(), have)) {
    await table.createIndex(s.column, { config: s.config(), name: s.name });
    built.push(s.name);
  }
  return built;
}
