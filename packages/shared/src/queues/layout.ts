import { z } from 'zod';

/** Video ids are opaque, URL- and key-safe: letters, digits, `_` and `-`. */
export const videoIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1–64 letters, digits, "_" or "-"' });

export const runIdSchema = videoIdSchema;

const SHARD_DIGITS = 5;

function assertId(id: string, what: string): void {
  const result = videoIdSchema.safeParse(id);
  if (!result.success)
    throw new Error(`Invalid ${what} ${JSON.stringify(id)}: ${result.error.issues[0]?.message}`);
}

/**
 * The storage layout of one video. Every stage reads and writes only these keys, so a video's data is
 * exactly what lies under `videos/{id}/` and deleting that prefix deletes the video.
 */
export function videoKeys(videoId: string) {
  assertId(videoId, 'video id');
  const root = `videos/${videoId}/`;
  return {
    root,
    /** The uploaded file, as received. */
    source: `${root}source`,
    /** Probe result, shard plan, tenant and request options (written by the API). */
    manifest: `${root}video.json`,
    shardsPrefix: `${root}shards/`,
    shard(index: number) {
      if (!Number.isInteger(index) || index < 0 || index >= 10 ** SHARD_DIGITS) {
        throw new Error(`Invalid shard index ${index}`);
      }
      // Zero-padded so that listing a video's shards returns them in order.
      const shardRoot = `${root}shards/${String(index).padStart(SHARD_DIGITS, '0')}/`;
      return {
        root: shardRoot,
        detections: `${shardRoot}detections.json`,
        crops: `${shardRoot}crops.bin`,
        cropsIndex: `${shardRoot}crops.json`,
        embeddings: `${shardRoot}embeddings.bin`,
        embeddingsIndex: `${shardRoot}embeddings.json`,
      };
    },
    resultsPrefix: `${root}results/`,
    run(runId: string) {
      assertId(runId, 'run id');
      const runRoot = `${root}results/${runId}/`;
      return {
        root: runRoot,
        entities: `${runRoot}entities.json`,
        observations: `${runRoot}observations.json`,
        /** float32 little-endian, one centroid embedding per entity (row = entity's `centroidRow`). */
        centroids: `${runRoot}centroids.bin`,
        /**
         * float32 little-endian, one re-id centroid per entity (same rows as `centroids`, all zero for an
         * entity without re-id vectors); present when the entities file names a `reidModel`.
         */
        reidCentroids: `${runRoot}reid-centroids.bin`,
      };
    },
  };
}

export type VideoKeys = ReturnType<typeof videoKeys>;
