import { createRequire } from 'node:module';
import type { Table } from '@lancedb/lancedb';
import type * as Arrow from 'apache-arrow';
import {
  Bool,
  DataType,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  List,
  Schema,
  Utf8,
} from 'apache-arrow';

/**
 * The entity table's columns. The vector's width is the embedding dimension of the tenant's first
 * write (a FixedSizeList, which LanceDB's vector search and ANN indices need); it is nullable so a
 * row of another model's dimension can still be stored and found by its label and filters.
 */
export function entityTableSchema(dim: number, reidDim?: number): Schema {
  const reid =
    reidDim === undefined
      ? []
      : [
          new Field('reidModel', new Utf8(), true),
          new Field('reidVector', new FixedSizeList(reidDim, new Field('item', new Float32(), true)), true),
        ];
  return new Schema([
    new Field('tenantId', new Utf8(), false),
    new Field('videoId', new Utf8(), false),
    new Field('runId', new Utf8(), false),
    new Field('entityId', new Utf8(), false),
    new Field('label', new Utf8(), false),
    new Field('firstSeen', new Float64(), false),
    new Field('lastSeen', new Float64(), false),
    new Field('observationCount', new Int32(), false),
    new Field('flaggedObservations', new Int32(), false),
    new Field('likelyFalsePositive', new Bool(), false),
    new Field('tags', new List(new Field('item', new Utf8(), true)), false),
    new Field('embeddingModel', new Utf8(), false),
    new Field('vector', new FixedSizeList(dim, new Field('item', new Float32(), true)), true),
    ...reid,
  ]);
}

/**
 * The re-id columns, added to a table by the first write that carries a re-id vector (tables made
 * before them stay readable; their old rows hold null until rebuilt or re-clustered). Built with the
 * CommonJS copy of apache-arrow that LanceDB loads: its `addColumns` tells a Schema by `instanceof`.
 */
export function reidColumns(dim: number): unknown {
  const arrow = createRequire(import.meta.url)('apache-arrow') as typeof Arrow;
  return new arrow.Schema([
    new arrow.Field('reidModel', new arrow.Utf8(), true),
    new arrow.Field(
      'reidVector',
      new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true)),
      true,
    ),
  ]);
}

/** The vector width of a table's schema. */
export function vectorDim(schema: Schema, column = 'vector'): number {
  const width = columnDim(schema, column);
  if (width === undefined) throw new Error(`entity table has no ${column} column`);
  return width;
}

/** A vector column's width; undefined when the table has no such column. */
export function columnDim(schema: Schema, column: string): number | undefined {
  // By type id, not instanceof: LanceDB may hand back Arrow classes of its own copy of the library.
  const type = schema.fields.find((f) => f.name === column)?.type;
  if (!type || !DataType.isFixedSizeList(type)) return undefined;
  return (type as FixedSizeList).listSize;
}

/** Whether the table has the re-id vector column (tables made before re-id existed do not). */
export async function hasReidColumn(table: Table): Promise<boolean> {
  return columnDim(await table.schema(), 'reidVector') !== undefined;
}

/** Names of a table's columns. */
export function columnNames(schema: Schema): Set<string> {
  return new Set(schema.fields.map((f) => f.name));
}
