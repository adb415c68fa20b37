import { z } from 'zod';
import { videoKeys } from '../queues/layout.js';
import { runSettingsSchema } from '../queues/payloads.js';
import type { ObjectStore } from '../storage/object-store.js';
import { FLAG_REASONS } from '../vocabulary.js';
import { parseWithSchema } from './detections.js';
import { storedVerificationSchema } from './embeddings.js';

/**
 * The result of one clustering run of a video (docs/formats.md), under `videos/{id}/results/{run}/`:
 * `entities.json` (the entities), `observations.json` (every detection with its entity, tracklet,
 * verification and flag) and `centroids.bin` (float32 LE centroid embeddings, for search).
 */

export const ENTITIES_FORMAT = 'orion.entities';
export const OBSERVATIONS_FORMAT = 'orion.observations';
export const RESULTS_VERSION = 1;

export const flagReasonSchema = z.enum(FLAG_REASONS);

export const observationSchema = z
  .object({
    /** `{shard}:{detection}`, unique in the video. */
    id: z.string(),
    shard: z.number().int().min(0),
    detection: z.number().int().min(0),
    frame: z.number().int().min(0),
    t: z.number().min(0),
    /** [x1, y1, x2, y2] in source pixels. */
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    label: z.string(),
    score: z.number(),
    entity: z.string().nullable(),
    tracklet: z.string().nullable(),
    /** HDBSCAN membership strength of the observation (or its tracklet) in its entity; 0 for noise. */
    probability: z.number().min(0).max(1),
    verification: storedVerificationSchema.nullable(),
    flag: z
      .object({
        reasons: z.array(flagReasonSchema).min(1),
        suggestedClass: z.string().nullable(),
        /** The scores behind the flag: consensus shares, verification probability and similarity. */
        evidence: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
      })
      .strict()
      .nullable(),
  })
  .strict();

export const entitySchema = z
  .object({
    id: z.string(),
    /** The majority detector class of its observations. */
    label: z.string(),
    classDistribution: z.record(z.string(), z.number().int().min(0)),
    observationCount: z.number().int().min(1),
    trackletCount: z.number().int().min(0),
    firstSeen: z.number().min(0),
    lastSeen: z.number().min(0),
    /** The observation whose crop represents the entity (best score, then largest box). */
    representative: z.string(),
    meanProbability: z.number().min(0).max(1),
    flaggedObservations: z.number().int().min(0),
    /** Most members were judged to hold no object (older shards: most fail class verification). */
    likelyFalsePositive: z.boolean(),
    /** Row of the entity's centroid in centroids.bin. */
    centroidRow: z.number().int().min(0),
  })
  .strict();

export const entitiesFileSchema = z
  .object({
    format: z.literal(ENTITIES_FORMAT),
    version: z.literal(RESULTS_VERSION),
    videoId: z.string(),
    runId: z.string(),
    createdAt: z.string(),
    params: runSettingsSchema,
    embeddingModel: z
      .object({ backend: z.string(), name: z.string(), dim: z.number().int().positive() })
      .strict(),
    /**
     * The re-id model whose per-entity centroids are in reid-centroids.bin (same rows as centroids.bin);
     * absent when the run had no re-id vectors (REID_MODEL=none, a non-`reid` run, older runs).
     */
    reidModel: z
      .object({ name: z.string(), sha256: z.string(), dim: z.number().int().positive() })
      .strict()
      .optional(),
    counts: z
      .object({
        observations: z.number().int().min(0),
        entities: z.number().int().min(0),
        tracklets: z.number().int().min(0),
        unassigned: z.number().int().min(0),
        flaggedObservations: z.number().int().min(0),
        likelyFalsePositives: z.number().int().min(0),
      })
      .strict(),
    timings: z.record(z.string(), z.number()),
    entities: z.array(entitySchema),
  })
  .strict();

export const observationsFileSchema = z
  .object({
    format: z.literal(OBSERVATIONS_FORMAT),
    version: z.literal(RESULTS_VERSION),
    videoId: z.string(),
    runId: z.string(),
    observations: z.array(observationSchema),
  })
  .strict();

export type Observation = z.infer<typeof observationSchema>;
export type Entity = z.infer<typeof entitySchema>;
export type EntitiesFile = z.infer<typeof entitiesFileSchema>;
export type ObservationsFile = z.infer<typeof observationsFileSchema>;

export async function readEntities(
  store: ObjectStore,
  videoId: string,
  runId: string,
): Promise<EntitiesFile> {
  const key = videoKeys(videoId).run(runId).entities;
  return parseWithSchema(entitiesFileSchema, await store.get(key), key);
}

export async function readObservations(
  store: ObjectStore,
  videoId: string,
  runId: string,
): Promise<ObservationsFile> {
  const key = videoKeys(videoId).run(runId).observations;
  return parseWithSchema(observationsFileSchema, await store.get(key), key);
}

/** Centroid rows as views on one buffer (float32 little-endian on disk). */
export async function readCentroids(
  store: ObjectStore,
  videoId: string,
  runId: string,
  dim: number,
): Promise<Float32Array[]> {
  return readCentroidsAt(store, videoKeys(videoId).run(runId).centroids, dim);
}

async function readCentroidsAt(store: ObjectStore, key: string, dim: number): Promise<Float32Array[]> {
  const buf = await store.get(key);
  const all = new Float32Array(buf.byteLength / 4);
  for (let i = 0; i < all.length; i++) all[i] = buf.readFloatLE(i * 4);
  const rows: Float32Array[] = [];
  for (let r = 0; r * dim < all.length; r++) rows.push(all.subarray(r * dim, (r + 1) * dim));
  return rows;
}

/** Re-id centroid rows (null for an entity without one); [] when the run has none. */
export async function readReidCentroids(
  store: ObjectStore,
  file: EntitiesFile,
): Promise<(Float32Array | null)[]> {
  if (!file.reidModel) return [];
  const rows = await readCentroidsAt(
    store,
    videoKeys(file.videoId).run(file.runId).reidCentroids,
    file.reidModel.dim,
  );
  // An all-zero row is an entity none of whose members had a re-id vector.
  return rows.map((r) => (r.some((v) => v !== 0) ? r : null));
}

export function encodeCentroids(rows: Float32Array[]): Buffer {
  const dim = rows[0]?.length ?? 0;
  const buf = Buffer.alloc(rows.length * dim * 4);
  rows.forEach((row, r) => row.forEach((v, i) => buf.writeFloatLE(v, (r * dim + i) * 4)));
  return buf;
}
