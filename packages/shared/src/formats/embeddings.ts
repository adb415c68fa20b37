import { z } from 'zod';
import { videoKeys } from '../queues/layout.js';
import type { ObjectStore } from '../storage/object-store.js';
import { EMBEDDING_BACKENDS, EMBEDDING_KINDS, type EmbeddingKind } from '../vocabulary.js';
import { parseWithSchema } from './detections.js';
import { readFloat32LE, writeFloat32LE } from './float32-le.js';
import { assertPackLength } from './packed-blobs.js';

/**
 * A shard's crop embeddings (docs/embeddings.md): `embeddings.bin` holds float32 little-endian
 * matrices back to back, each `count × dim` with one row per crop in crops.json order;
 * `embeddings.json` says which matrices there are, which model made them, and per observation its
 * detection, frame, detector label and class verification. No floats are stored as JSON arrays.
 *
 * Version 2 adds an optional `reid` section: the re-identification vectors of the observations whose
 * label the re-id model embeds (people), one `rows.length × reid.dim` matrix after the others.
 * Version 1 shards (no re-id) still read; they are read as having no re-id vectors.
 */

export const EMBEDDINGS_FORMAT = 'orion.embeddings';
export const EMBEDDINGS_VERSION = 2;

const probability = z.number().min(0).max(1);

export const storedVerificationSchema = z.discriminatedUnion('status', [
  z
    .object({
      status: z.literal('verified'),
      isMatch: z.boolean(),
      probability,
      /** Cosine of image and class prompt; null for models without a text encoder. */
      similarity: z.number().min(-1.001).max(1.001).nullable(),
      confidence: z.enum(['high', 'medium', 'low']),
      suggestedClass: z.string(),
      suggestedProbability: probability,
    })
    .strict(),
  z
    .object({
      status: z.literal('unverifiable'),
      reason: z.string(),
      suggestedClass: z.string().nullable(),
      suggestedProbability: probability.nullable(),
    })
    .strict(),
]);

export const embeddingObservationSchema = z
  .object({
    /** The detection (its `id` in detections.json) and crop this row embeds. */
    detection: z.number().int().min(0),
    frame: z.number().int().min(0),
    /** The detector's label, which the verification judged. */
    label: z.string(),
    verification: storedVerificationSchema.nullable(),
  })
  .strict();

const matrixSchema = z
  .object({
    /** Byte offset of the matrix in embeddings.bin. */
    offset: z.number().int().min(0),
  })
  .strict();

export const reidSectionSchema = z
  .object({
    /** Byte offset of the re-id matrix in embeddings.bin (after the vision and multimodal matrices). */
    offset: z.number().int().min(0),
    dim: z.number().int().positive(),
    model: z
      .object({
        name: z.string(),
        /** Vectors of different weights are not comparable. */
        sha256: z.string(),
        executionProvider: z.string(),
      })
      .strict(),
    /** The detector labels that were embedded. */
    classes: z.array(z.string()).min(1),
    /** Observation index (position in `observations`) of each matrix row, ascending. */
    rows: z.array(z.number().int().min(0)),
  })
  .strict();

export const embeddingsIndexSchema = z
  .object({
    format: z.literal(EMBEDDINGS_FORMAT),
    version: z.union([z.literal(1), z.literal(EMBEDDINGS_VERSION)]),
    videoId: z.string(),
    shardIndex: z.number().int().min(0),
    model: z
      .object({
        backend: z.enum(EMBEDDING_BACKENDS),
        name: z.string(),
        /** sha256 of the image encoder: vectors from different weights are not comparable. */
        sha256: z.string(),
        executionProvider: z.string(),
      })
      .strict(),
    dtype: z.literal('float32'),
    byteOrder: z.literal('little-endian'),
    dim: z.number().int().positive(),
    count: z.number().int().min(0),
    /** Total size of embeddings.bin, to detect a truncated or mismatched file. */
    byteLength: z.number().int().min(0),
    matrices: z
      .object({
        vision: matrixSchema,
        multimodal: matrixSchema
          .extend({
            /** w in normalize((1 − w)·image + w·text). */
            textWeight: z.number().min(0).max(1),
            /** The text of each row: this template with the row's label. */
            promptTemplate: z.string(),
          })
          .strict()
          .optional(),
      })
      .strict(),
    /** The verification settings, or null when the shard was not verified. */
    verification: z
      .object({ threshold: probability, candidates: z.array(z.string()) })
      .strict()
      .nullable(),
    observations: z.array(embeddingObservationSchema),
    reid: reidSectionSchema.optional(),
  })
  .strict()
  .superRefine((index, ctx) => {
    if (index.observations.length !== index.count) {
      ctx.addIssue({
        code: 'custom',
        message: `${index.observations.length} observations for count ${index.count}`,
      });
    }
    const matrixBytes = index.count * index.dim * 4;
    const present = EMBEDDING_KINDS.flatMap((kind) => (index.matrices[kind] ? [index.matrices[kind]] : []));
    present.forEach((m, i) => {
      if (m.offset !== i * matrixBytes) {
        ctx.addIssue({
          code: 'custom',
          message: `matrix ${i} starts at ${m.offset}, expected ${i * matrixBytes}`,
        });
      }
    });
    let expectedBytes = present.length * matrixBytes;
    const reid = index.reid;
    if (reid) {
      if (index.version < 2) {
        ctx.addIssue({ code: 'custom', message: `a reid section needs version 2, not ${index.version}` });
      }
      if (reid.offset !== expectedBytes) {
        ctx.addIssue({
          code: 'custom',
          message: `reid matrix starts at ${reid.offset}, expected ${expectedBytes}`,
        });
      }
      if (reid.rows.some((r, i) => r >= index.count || (i > 0 && r <= reid.rows[i - 1]!))) {
        ctx.addIssue({
          code: 'custom',
          message: `reid rows must be ascending observation indices below ${index.count}`,
        });
      }
      expectedBytes += reid.rows.length * reid.dim * 4;
    }
    if (index.byteLength !== expectedBytes) {
      ctx.addIssue({
        code: 'custom',
        message: `byteLength ${index.byteLength} does not fit ${present.length} matrices of ${index.count}×${index.dim} float32${reid ? ` and ${reid.rows.length}×${reid.dim} re-id vectors` : ''}`,
      });
    }
  });

export type StoredVerification = z.infer<typeof storedVerificationSchema>;
export type EmbeddingObservation = z.infer<typeof embeddingObservationSchema>;
export type EmbeddingsIndex = z.infer<typeof embeddingsIndexSchema>;
export type ReidSection = z.infer<typeof reidSectionSchema>;

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
