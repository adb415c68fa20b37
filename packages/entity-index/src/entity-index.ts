import { Index, connect, type Connection, type Table } from '@lancedb/lancedb';
import type { Logger } from '@orion/shared';
import type { EntityHit, EntityRow } from './entity-row.js';
import type { IndexLocation } from './index-location.js';
import { sqlString, whereClause, type EntityFilter } from './sql-filter.js';
import type { Schema } from 'apache-arrow';
import { HIT_COLUMNS, toHit } from './row-columns.js';
import { ensureScalarIndices, missingScalarIndices } from './scalar-indices.js';
import { columnDim, entityTableSchema, reidColumns, vectorDim } from './table-schema.js';

export interface EntityIndexOptions {
  location: IndexLocation;
  /** Rows with a vector a table needs before its ANN (IVF-PQ) index is built; below it, search is exact. */
  annMinRows: number;
  logger?: Logger;
}

export interface SearchOptions {
  /** Query vector (cosine); without one, rows come in (videoId, firstSeen) order of the filter. */
  vector?: number[] | Float32Array;
  filter?: EntityFilter;
  limit?: number;
  offset?: number;
  /**
   * Exact (flat) search even where the ANN index exists. Without it a filter naming videos is
   * searched exactly anyway: its few rows scan faster than IVF probes, and probes would miss them.
   */
  exact?: boolean;
  /** IVF partitions probed at least (ANN only); more are probed while a filter leaves too few hits. */
  nprobes?: number;
  /** Candidates re-ranked on full vectors, × limit (ANN only). */
  refineFactor?: number;
}

const TENANT_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const VECTOR_INDEX = 'vector_idx';
/** The re-id centroids' IVF-PQ index: matches of people search that column (findMatches). */
export const REID_INDEX = 'reidVector_idx';
/**
 * Each vector column, its ANN index and the index's kind, given the rows with a vector. The re-id
 * column gets IVF_FLAT (partitions of the full vectors: exact distances in the probed partitions, no
 * re-ranking needed, at the cost of a copy of the column): IVF_PQ and HNSW_SQ training fail on a
 * mixed-case column name in LanceDB 0.31 ("No field named reidvector": lancedb/lancedb#2521,
 * lance-format/lance#3424), and renaming the column would orphan existing tables. IVF_FLAT trains
 * by the same failing path when partitions × sample rate reach the rows, so the sample rate stays
 * below rows ÷ partitions (√rows partitions, as LanceDB's default).
 */
const ANN_INDICES = [
  { column: 'vector', name: VECTOR_INDEX, config: (rows: number) => vectorIndexConfig(rows) },
  { column: 'reidVector', name: REID_INDEX, config: (rows: number) => reidIndexConfig(rows) },
] as const;

/**
 * IVF partitions an ANN index gets at most. LanceDB's default is √rows (1 000 at 1 M rows), whose
 * k-means takes far longer to train on a 2-core machine; 256 kept recall@10 at 1.000 at 1 M rows
 * (docs/benchmarks.md, "Search at scale").
 */
export const MAX_PARTITIONS = 256;

function partitionsFor(rows: number, maxPartitions: number): number {
  return Math.max(1, Math.min(maxPartitions, Math.round(Math.sqrt(rows))));
}

/** The general-vector column's IVF-PQ (cosine, PQ defaults) for `rows` vectors. */
export function vectorIndexConfig(rows: number, maxPartitions = MAX_PARTITIONS): Index {
  return Index.ivfPq({ distanceType: 'cosine', numPartitions: partitionsFor(rows, maxPartitions) });
}

/** The re-id column's IVF_FLAT for `rows` vectors (partitions capped by `maxPartitions`). */
export function reidIndexConfig(rows: number, maxPartitions = MAX_PARTITIONS): Index {
  const numPartitions = partitionsFor(rows, maxPartitions);
  const sampleRate = Math.max(1, Math.min(256, Math.floor(rows / numPartitions) - 1));
  return Index.ivfFlat({ distanceType: 'cosine', numPartitions, sampleRate });
}
/** Small fragments (one per write) a table may gather before it is compacted. */
const COMPACT_AT_FRAGMENTS = 16;
/**
 * IVF partitions probed, and candidates re-ranked on the full vectors (× limit): PQ codes alone rank
 * too coarsely (recall@10 0.44 at 10k rows in bench/entity-index/small-table.ts).
 */
export const NPROBES = 20;
export const REFINE_FACTOR = 10;
/** Partitions a filtered ANN query may probe when the first NPROBES leave fewer than `limit` hits. */
export const MAX_NPROBES = 200;
/** IVF-PQ trains its codebooks on at least this many vectors (LanceDB refuses fewer). */
export const MIN_ANN_ROWS = 256;

/**
 * One LanceDB table of entities per tenant (`entities-<tenant>`), under the store's index folder.
 * A video's rows are replaced in one merge-insert commit, so readers see its old rows or its new
 * ones, and a repeated write leaves the same rows. Writes of one tenant are serialised in this
 * process; LanceDB resolves commits of other processes.
 */
export class EntityIndex {
  private readonly tenantWrites = new Map<string, Promise<unknown>>();

  private connection?: Promise<Connection>;

  private constructor(private readonly options: EntityIndexOptions) {}

  /** Checks the options; the store is first touched by the first read or write. */
  static async open(options: EntityIndexOptions): Promise<EntityIndex> {
    if (!(options.annMinRows >= MIN_ANN_ROWS)) {
      throw new RangeError(`annMinRows must be at least ${MIN_ANN_ROWS} (IVF-PQ training needs that many)`);
    }
    return new EntityIndex(options);
  }

  /** Connecting writes LanceDB's own manifest table: not before the index is used. */
  private db(): Promise<Connection> {
    this.connection ??= connect(this.options.location.uri, {
      storageOptions: this.options.location.storageOptions,
    });
    // A failed connect (store unreachable) is tried again by the next call.
    this.connection.catch(() => (this.connection = undefined));
    return this.connection;
  }

  tableName(tenantId: string): string {
    if (!TENANT_ID.test(tenantId)) throw new RangeError(`invalid tenant id ${JSON.stringify(tenantId)}`);
    return `entities-${tenantId}`;
  }

  private async table(tenantId: string): Promise<Table | undefined> {
    const name = this.tableName(tenantId);
    try {
      return await (await this.db()).openTable(name);
    } catch (err) {
      if (/not found|does not exist/i.test(String((err as Error).message))) return undefined;
      throw err;
    }
  }

  /** Runs the tenant's writes one after another (a failed write does not block the next). */
  private serial<T>(tenantId: string, write: () => Promise<T>): Promise<T> {
    const previous = this.tenantWrites.get(tenantId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(write);
    this.tenantWrites.set(tenantId, next);
    void next
      .finally(() => {
        if (this.tenantWrites.get(tenantId) === next) this.tenantWrites.delete(tenantId);
      })
      .catch(() => undefined);
    return next;
  }

  /**
   * Makes `rows` the video's rows: inserts new entities, updates kept ones and deletes the rest of
   * the video's rows, in one commit. Rows of another tenant or video are refused. `dim` (the run's
   * embedding width) sets the vector column of a tenant's first table when no row has a vector.
   */
  async replaceVideo(
    tenantId: string,
    videoId: string,
    rows: EntityRow[],
    options: { dim?: number; deferAnn?: boolean } = {},
  ): Promise<{ rows: number }> {
    for (const r of rows) {
      if (r.tenantId !== tenantId || r.videoId !== videoId) {
        throw new RangeError(
          `row ${r.entityId} belongs to ${r.tenantId}/${r.videoId}, not ${tenantId}/${videoId}`,
        );
      }
    }
    return this.serial(tenantId, async () => {
      const ofVideo = `videoId = ${sqlString(videoId)}`;
      let table = await this.table(tenantId);
      if (rows.length === 0) {
        if (table) await table.delete(ofVideo);
        return { rows: 0 };
      }
      const dim = rows.find((r) => r.vector)?.vector?.length ?? options.dim;
      if (!table) {
        if (dim === undefined)
          throw new RangeError("the first rows of a tenant need a vector (its width sets the table's)");
        table = await (
          await this.db()
        ).createEmptyTable(this.tableName(tenantId), entityTableSchema(dim, reidDimOf(rows)), {
          existOk: true,
        });
      }
      let schema = await table.schema();
      const reidDim = reidDimOf(rows);
      if (reidDim !== undefined && columnDim(schema, 'reidVector') === undefined) {
        await table.addColumns(reidColumns(reidDim) as Schema);
        schema = await table.schema();
      }
      const width = vectorDim(schema);
      const reidWidth = columnDim(schema, 'reidVector');
      // A vector of another width cannot share the column: the row stays findable by its fields.
      const data = rows.map(({ reidModel, reidVector, ...r }) => {
        const row = { ...r, vector: r.vector?.length === width ? r.vector : null };
        if (reidWidth === undefined) return row;
        const fits = reidVector?.length === reidWidth;
        return { ...row, reidModel: fits ? reidModel : null, reidVector: fits ? reidVector : null };
      });
      await table
        .mergeInsert(['videoId', 'entityId'])
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .whenNotMatchedBySourceDelete({ where: ofVideo })
        .execute(data);
      await this.maintain(table, { buildAnn: !options.deferAnn });
      return { rows: rows.length };
    });
  }

  /** Removes a video's rows; returns how many there were. */
  deleteVideo(tenantId: string, videoId: string): Promise<number> {
    return this.serial(tenantId, async () => {
      const table = await this.table(tenantId);
      if (!table) return 0;
      const where = `videoId = ${sqlString(videoId)}`;
      const n = await table.countRows(where);
      if (n > 0) await table.delete(where);
      return n;
    });
  }

  /** Drops the tenant's table (before a rebuild). */
  dropTenant(tenantId: string): Promise<void> {
    return this.serial(tenantId, async () => {
      if (await this.table(tenantId)) await (await this.db()).dropTable(this.tableName(tenantId));
    });
  }

  /**
   * Builds an ANN index on each vector column (general embedding, re-id) once `annMinRows` rows
   * carry a vector of that column, and the scalar indices of the
   * filtered columns once it holds `annMinRows` rows (below that a scan is as fast as an index).
   * Afterwards, and for small tables, `optimize` compacts the small fragments every write leaves
   * (exact search time grows with their number) and folds unindexed rows into the indices (LanceDB
   * scans those exactly). With `buildAnn` false (a rebuild's writes) no ANN index is started.
   */
  private async maintain(table: Table, { buildAnn }: { buildAnn: boolean }): Promise<void> {
    const names = (await table.listIndices()).map((i) => i.name);
    const schema = await table.schema();
    // Every table with annMinRows vectors has as many rows: one check covers both cases.
    if (
      missingScalarIndices(schema, names).length > 0 &&
      (await table.countRows()) >= this.options.annMinRows
    ) {
      const scalar = await ensureScalarIndices(table, names);
      this.options.logger?.info({ table: table.name, scalar }, 'entity index: scalar indices built');
    }
    let built = false;
    if (buildAnn) {
      for (const { ann, vectors } of await this.annToTrain(table, schema, names)) {
        const started = performance.now();
        if (!built) await table.optimize();
        await table.createIndex(ann.column, { config: ann.config(vectors), name: ann.name });
        built = true;
        this.options.logger?.info(
          { table: table.name, column: ann.column, vectors, ms: Math.round(performance.now() - started) },
          'entity index: ANN index built',
        );
      }
    }
    if (built) return;
    const small = (await table.stats()).fragmentStats.numSmallFragments;
    let unindexed = 0;
    for (const ann of ANN_INDICES) {
      if (names.includes(ann.name))
        unindexed = Math.max(unindexed, (await table.indexStats(ann.name))?.numUnindexedRows ?? 0);
    }
    if (small >= COMPACT_AT_FRAGMENTS || unindexed >= this.options.annMinRows) await table.optimize();
  }

  /**
   * The ANN indices a table has enough vectors for (`annMinRows` rows with a vector of the column),
   * leaving out those named in `skip`, each with its vector count.
   */
  private async annToTrain(table: Table, schema: Schema, skip: readonly string[] = []) {
    const out: { ann: (typeof ANN_INDICES)[number]; vectors: number }[] = [];
    for (const ann of ANN_INDICES) {
      if (skip.includes(ann.name) || columnDim(schema, ann.column) === undefined) continue;
      // Backticks name a column (double quotes would make a string, which is never null).
      const vectors = await table.countRows(`\`${ann.column}\` IS NOT NULL`);
      if (vectors >= this.options.annMinRows) out.push({ ann, vectors });
    }
    return out;
  }

  /**
   * Trains every ANN index again on the table's present rows (replacing the old one), with
   * partitions for its present size. An index trained when the table was small keeps its
   * partitions as rows are folded in (`optimize` does not retrain), so a rebuild ends here.
   */
  trainAnnIndices(tenantId: string): Promise<string[]> {
    return this.serial(tenantId, async () => {
      const table = await this.table(tenantId);
      if (!table) return [];
      await table.optimize();
      const trained: string[] = [];
      for (const { ann, vectors } of await this.annToTrain(table, await table.schema())) {
        await table.createIndex(ann.column, { config: ann.config(vectors), name: ann.name, replace: true });
        trained.push(ann.name);
      }
      return trained;
    });
  }

  /** Names of the table's indices (vector and scalar). */
  async indices(tenantId: string): Promise<string[]> {
    const table = await this.table(tenantId);
    return table ? (await table.listIndices()).map((i) => i.name) : [];
  }

  async stats(tenantId: string): Promise<{ rows: number; vectors: number; annIndex: boolean }> {
    const table = await this.table(tenantId);
    if (!table) return { rows: 0, vectors: 0, annIndex: false };
    return {
      rows: await table.countRows(),
      vectors: await table.countRows('vector IS NOT NULL'),
      annIndex: (await table.listIndices()).some((i) => i.name === VECTOR_INDEX),
    };
  }

  async count(tenantId: string, filter: EntityFilter = {}): Promise<number> {
    const table = await this.table(tenantId);
    return table ? table.countRows(whereClause(filter)) : 0;
  }

  /** Nearest rows to a vector (filters applied before the search), or the filter's rows. */
  async search(tenantId: string, options: SearchOptions): Promise<EntityHit[]> {
    const table = await this.readTable(tenantId);
    if (!table) return [];
    const where = whereClause(await withoutUniversalModel(table, options.filter ?? {}));
    const limit = options.limit ?? 20;
    const offset = options.offset ?? 0;
    if (options.vector) {
      if (options.vector.length !== vectorDim(await table.schema())) return [];
      const nprobes = options.nprobes ?? NPROBES;
      let q = table
        .vectorSearch(Array.from(options.vector))
        .column('vector')
        .distanceType('cosine')
        .maximumNprobes(Math.max(nprobes, MAX_NPROBES))
        .minimumNprobes(nprobes)
        .refineFactor(options.refineFactor ?? REFINE_FACTOR)
        .select([...HIT_COLUMNS, '_distance']);
      if (options.exact || options.filter?.videoIds) q = q.bypassVectorIndex();
      if (where) q = q.where(where);
      const rows = await q.limit(limit).offset(offset).toArray();
      return rows.map((r) => toHit(r as Record<string, unknown>, r._distance as number));
    }
    let q = table.query().select(HIT_COLUMNS);
    if (where) q = q.where(where);
    const rows = await q.limit(limit).offset(offset).toArray();
    return rows.map((r) => toHit(r as Record<string, unknown>, null));
  }

  /**
   * The tenant's table at its latest version, for reads of its own (matches, identities); undefined
   * before its first write. LanceDB may hand back a cached, older version of a table this connection
   * has opened before (the identities job missed the rows of the videos written since).
   */
  async readTable(tenantId: string): Promise<Table | undefined> {
    const table = await this.table(tenantId);
    await table?.checkoutLatest();
    return table;
  }

  /** One entity's row with its vector (null when it has none), or undefined when it is not indexed. */
  async entity(
    tenantId: string,
    videoId: string,
    entityId: string,
  ): Promise<{ hit: EntityHit; vector: number[] | null } | undefined> {
    const table = await this.readTable(tenantId);
    if (!table) return undefined;
    const [r] = await table
      .query()
      .where(`videoId = ${sqlString(videoId)} AND entityId = ${sqlString(entityId)}`)
      .select([...HIT_COLUMNS, 'vector'])
      .limit(1)
      .toArray();
    if (!r) return undefined;
    const v = (r as Record<string, unknown>).vector as { toArray(): Float32Array } | null;
    return { hit: toHit(r as Record<string, unknown>, null), vector: v ? Array.from(v.toArray()) : null };
  }

  close(): void {
    void this.connection?.then((db) => db.close()).catch(() => undefined);
  }
}

/**
 * The filter without its embedding-model condition when every row of the table has that model (a
 * tenant that never changed models): a condition all rows meet still makes the vector search build and
 * check an allow-list of every row (unfiltered top 10 at 1 M rows: p50 110 ms with it, bench --sections
 * search). The count is answered by the BITMAP index on the column.
 */
async function withoutUniversalModel(table: Table, filter: EntityFilter): Promise<EntityFilter> {
  if (filter.embeddingModel === undefined) return filter;
  if ((await table.countRows(`embeddingModel != ${sqlString(filter.embeddingModel)}`)) > 0) return filter;
  const { embeddingModel: _all, ...rest } = filter;
  return rest;
}

function reidDimOf(rows: EntityRow[]): number | undefined {
  return rows.find((r) => r.reidVector)?.reidVector?.length;
}
