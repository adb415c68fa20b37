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
export function entityTableSchema(dim: number): Schema {
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
  ]);
}

/** The vector width of a table's schema. */
export function vectorDim(schema: Schema): number {
  // By type id, not instanceof: LanceDB may hand back Arrow classes of its own copy of the library.
  const type = schema.fields.find((f) => f.name === 'vector')?.type;
  if (!type || !DataType.isFixedSizeList(type)) throw new Error('entity table has no vector column');
  return (type as FixedSizeList).listSize;
}
