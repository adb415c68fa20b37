import { videoKeys } from '../queues/layout.js';
import type { ObjectStore } from '../storage/object-store.js';
import { EMBEDDING_KINDS, type EmbeddingKind } from '../vocabulary.js';
import { parseWithSchema } from './detections.js';
import { readFloat32LE, writeFloat32LE } from './float32-le.js';
import { assertPackLength } from './packed-blobs.js';
import {
  EMBEDDINGS_FORMAT,
  EMBEDDINGS_VERSION,
  embeddingsIndexSchema,
  type EmbeddingObservation,
  type EmbeddingsIndex,
  type ReidSection,
} from './embeddings-index.js';

// The stored index's schema and types: embeddings-index.ts (docs/embeddings.md).
export * from './embeddings-index.js';

export interface EmbeddingsToPack {
  videoId: string;
  shardIndex: number;
  model: EmbeddingsIndex['model'];
  dim: number;
  observations: EmbeddingObservation[];
  vision: Float32Array[];
  multimodal?: { vectors: Float32Array[]; textWeight: number; promptTemplate: string };
  verification: EmbeddingsIndex['verification'];
  /** Re-id vectors of some observations: `vectors[i]` belongs to observation `rows[i]`. */
  reid?: Omit<ReidSection, 'offset'> & { vectors: Float32Array[] };
}

function writeRows(target: Buffer, offset: number, rows: Float32Array[], dim: number, kind: string): void {
  rows.forEach((row, i) => {
    if (row.length !== dim)
      throw new RangeError(`${kind} embedding ${i} has ${row.length} values, expected ${dim}`);
    writeFloat32LE(target, offset + i * dim * 4, row);
  });
}

/** Lays out the matrices (vision first, then multimodal) and builds the index that describes them. */
export function packEmbeddings(input: EmbeddingsToPack): { bin: Buffer; index: EmbeddingsIndex } {
  const { dim, observations } = input;
  const count = observations.length;
  if (input.vision.length !== count) {
    throw new RangeError(`${input.vision.length} vision embeddings for ${count} observations`);
  }
  if (input.multimodal && input.multimodal.vectors.length !== count) {
    throw new RangeError(
      `${input.multimodal.vectors.length} multimodal embeddings for ${count} observations`,
    );
  }
  const { reid } = input;
  if (reid && reid.vectors.length !== reid.rows.length) {
    throw new RangeError(`${reid.vectors.length} re-id vectors for ${reid.rows.length} rows`);
  }
  if (reid?.rows.some((r, i) => !(r >= 0 && r < count) || (i > 0 && r <= reid.rows[i - 1]!))) {
    throw new RangeError(`re-id rows must be ascending observation indices below ${count}`);
  }
  const matrixBytes = count * dim * 4;
  const reidOffset = matrixBytes * (input.multimodal ? 2 : 1);
  const bin = Buffer.alloc(reidOffset + (reid ? reid.rows.length * reid.dim * 4 : 0));
  writeRows(bin, 0, input.vision, dim, 'vision');
  if (input.multimodal) writeRows(bin, matrixBytes, input.multimodal.vectors, dim, 'multimodal');
  if (reid) writeRows(bin, reidOffset, reid.vectors, reid.dim, 're-id');
  const index: EmbeddingsIndex = {
    format: EMBEDDINGS_FORMAT,
    version: EMBEDDINGS_VERSION,
    videoId: input.videoId,
    shardIndex: input.shardIndex,
    model: input.model,
    dtype: 'float32',
    byteOrder: 'little-endian',
    dim,
    count,
    byteLength: bin.length,
    matrices: {
      vision: { offset: 0 },
      ...(input.multimodal
        ? {
            multimodal: {
              offset: matrixBytes,
              textWeight: input.multimodal.textWeight,
              promptTemplate: input.multimodal.promptTemplate,
            },
          }
        : {}),
    },
    verification: input.verification,
    observations,
    ...(reid
      ? {
          reid: {
            offset: reidOffset,
            dim: reid.dim,
            model: reid.model,
            classes: reid.classes,
            rows: reid.rows,
          },
        }
      : {}),
  };
  return { bin, index };
}

export function parseEmbeddingsIndex(text: string | Buffer, key = 'embeddings.json'): EmbeddingsIndex {
  return parseWithSchema(embeddingsIndexSchema, text, key);
}

/** A shard's embeddings: `matrix(kind)` is `count × dim` row-major; `row(kind, i)` one crop's vector. */
export interface ShardEmbeddings {
  index: EmbeddingsIndex;
  has(kind: EmbeddingKind): boolean;
  matrix(kind: EmbeddingKind): Float32Array;
  row(kind: EmbeddingKind, i: number): Float32Array;
}

export function unpackEmbeddings(
  index: EmbeddingsIndex,
  bin: Buffer,
  key = 'embeddings.bin',
): ShardEmbeddings {
  assertPackLength(bin, index.byteLength, key);
  const matrices = new Map<EmbeddingKind, Float32Array>();
  for (const kind of EMBEDDING_KINDS) {
    const m = index.matrices[kind];
    if (m) matrices.set(kind, readFloat32LE(bin, m.offset, index.count * index.dim));
  }
  const matrix = (kind: EmbeddingKind) => {
    const m = matrices.get(kind);
    if (!m)
      throw new Error(
        `the embeddings of shard ${index.shardIndex} of video ${index.videoId} have no ${kind} matrix`,
      );
    return m;
  };
  return {
    index,
    has: (kind) => matrices.has(kind),
    matrix,
    row(kind, i) {
      if (!Number.isInteger(i) || i < 0 || i >= index.count)
        throw new RangeError(`row ${i} is outside 0…${index.count - 1}`);
      return matrix(kind).subarray(i * index.dim, (i + 1) * index.dim);
    },
  };
}

/** Reads and validates one shard's embeddings (index, then matrices). */
export async function readShardEmbeddings(
  store: ObjectStore,
  videoId: string,
  shardIndex: number,
): Promise<ShardEmbeddings> {
  const keys = videoKeys(videoId).shard(shardIndex);
  const index = parseEmbeddingsIndex(await store.get(keys.embeddingsIndex), keys.embeddingsIndex);
  return unpackEmbeddings(index, await store.get(keys.embeddings), keys.embeddings);
}

/** A shard's re-id vectors: `vector(i)` of observation i, undefined for observations without one. */
export interface ShardReid {
  model: ReidSection['model'];
  dim: number;
  classes: string[];
  /** Observations (indices into the index's `observations`) that have a vector. */
  rows: readonly number[];
  matrix: Float32Array;
  vector(observation: number): Float32Array | undefined;
}

/** The re-id vectors of an unpacked shard; null for shards without any (version 1, or REID_MODEL=none). */
export function shardReid(index: EmbeddingsIndex, bin: Buffer, key = 'embeddings.bin'): ShardReid | null {
  const reid = index.reid;
  if (!reid) return null;
  assertPackLength(bin, index.byteLength, key);
  const matrix = readFloat32LE(bin, reid.offset, reid.rows.length * reid.dim);
  const rowOf = new Map(reid.rows.map((observation, row) => [observation, row]));
  return {
    model: reid.model,
    dim: reid.dim,
    classes: reid.classes,
    rows: reid.rows,
    matrix,
    vector(observation) {
      const row = rowOf.get(observation);
      return row === undefined ? undefined : matrix.subarray(row * reid.dim, (row + 1) * reid.dim);
    },
  };
}

/** Reads one shard's re-id vectors (the cluster stage's person appearance); null when it has none. */
export async function readShardReid(
  store: ObjectStore,
  videoId: string,
  shardIndex: number,
): Promise<ShardReid | null> {
  const keys = videoKeys(videoId).shard(shardIndex);
  const index = parseEmbeddingsIndex(await store.get(keys.embeddingsIndex), keys.embeddingsIndex);
  if (!index.reid) return null;
  return shardReid(index, await store.get(keys.embeddings), keys.embeddings);
}
