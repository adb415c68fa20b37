export {
  EntityIndex,
  MAX_NPROBES,
  MAX_PARTITIONS,
  MIN_ANN_ROWS,
  NPROBES,
  REID_INDEX,
  reidIndexConfig,
  vectorIndexConfig,
  REFINE_FACTOR,
  type EntityIndexOptions,
  type SearchOptions,
} from './entity-index.js';
export type { EntityHit, EntityRow } from './entity-row.js';
export { entityTableSchema } from './table-schema.js';
export { INDEX_FOLDER, indexLocation, type IndexLocation } from './index-location.js';
export { readRunRows, reidModelId, rowsOfRun, type IndexedVideo } from './run-rows.js';
export { sqlString, whereClause, type EntityFilter } from './sql-filter.js';
export {
  findMatches,
  labelFamily,
  readEntityRow,
  readTenantRows,
  type EntityMatch,
  type MatchEvidence,
} from './matches.js';
export { scoreOfDistance } from './row-columns.js';
export { SCALAR_INDICES, ensureScalarIndices } from './scalar-indices.js';
export {
  readTenantFields,
  readTenantRowsKept,
  rowKey,
  type CompactRow,
  type RowFields,
} from './tenant-rows.js';
