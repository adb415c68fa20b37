import { z } from 'zod';
import { EMBEDDING_BACKENDS, EMBEDDING_KINDS, LABEL_VERDICTS } from '../vocabulary.js';

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
      /** The label check's call (absent in shards written before it existed). */
      verdict: z.enum(LABEL_VERDICTS).optional(),
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
