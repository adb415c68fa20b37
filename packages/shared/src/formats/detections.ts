import { z } from 'zod';
import { videoKeys } from '../queues/layout.js';
import type { ObjectStore } from '../storage/object-store.js';
import { parseOrThrow } from '../validation/parse-or-throw.js';
import { CodedError } from '../errors/coded-error.js';

/**
 * `videos/{id}/shards/{k}/detections.json`: what the detector saw in one shard (docs/formats.md).
 * Sample n of a video is taken at t = n / fps seconds from its start; a shard holds the samples
 * `firstFrame … firstFrame + frameCount − 1`, including those without any detection.
 */

export const DETECTIONS_FORMAT = 'orion.detections';
export const DETECTIONS_VERSION = 1;

const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const detectionSchema = z
  .object({
    /** Index of the detection in its shard; the same index as its crop. */
    id: z.number().int().min(0),
    /** Sample index n in the whole video. */
    frame: z.number().int().min(0),
    /** Seconds from the start of the video: frame / fps. */
    t: z.number().min(0),
    /** [x1, y1, x2, y2] in source pixels. */
    box,
    class: z.number().int().min(0),
    label: z.string(),
    score: z.number().min(0).max(1),
    /** The detector's five most probable classes for this box, most probable first. */
    top5: z.array(z.object({ class: z.number().int().min(0), p: z.number().min(0).max(1) }).strict()).max(5),
  })
  .strict();

export const detectionsFileSchema = z
  .object({
    format: z.literal(DETECTIONS_FORMAT),
    version: z.literal(DETECTIONS_VERSION),
    videoId: z.string(),
    shard: z
      .object({
        index: z.number().int().min(0),
        count: z.number().int().min(1),
        startSeconds: z.number().min(0),
        endSeconds: z.number().positive(),
      })
      .strict(),
    sampling: z
      .object({
        fps: z.number().positive(),
        firstFrame: z.number().int().min(0),
        frameCount: z.number().int().min(0),
      })
      .strict(),
    /** Size of the decoded frames (display size, rotation applied); null when the shard has no sample. */
    frameSize: z
      .object({ width: z.number().int().positive(), height: z.number().int().positive() })
      .strict()
      .nullable(),
    model: z
      .object({
        name: z.string(),
        sha256: z.string(),
        scoreThreshold: z.number(),
        nmsIou: z.number(),
        /** The class filter in force, or null for every class. */
        classes: z.array(z.string()).nullable(),
      })
      .strict(),
    /** Class index → label of the detector. */
    labels: z.array(z.string()),
    detections: z.array(detectionSchema),
  })
  .strict();

export type Detection = z.infer<typeof detectionSchema>;
export type DetectionsFile = z.infer<typeof detectionsFileSchema>;

/** A stored shard file that does not follow its format; names the key and the fields. */
export class InvalidShardFileError extends CodedError {
  readonly code = 'ERR_INVALID_SHARD_FILE';
  constructor(key: string, issues: string[]) {
    super(`Invalid shard file ${key}: ${issues.join('; ')}`);
  }
}

export function parseWithSchema<T>(schema: z.ZodType<T>, text: string | Buffer, key: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text.toString());
  } catch (err) {
    throw new InvalidShardFileError(key, [`not JSON (${(err as Error).message})`]);
  }
  return parseOrThrow(schema, json, (issues) => new InvalidShardFileError(key, issues), 5);
}

export function parseDetectionsFile(text: string | Buffer, key = 'detections.json'): DetectionsFile {
  return parseWithSchema(detectionsFileSchema, text, key);
}

export function frameTime(frame: number, fps: number): number {
  return Number((frame / fps).toFixed(6));
}

/** Reads and validates one shard's detections. */
export async function readShardDetections(
  store: ObjectStore,
  videoId: string,
  shardIndex: number,
): Promise<DetectionsFile> {
  const key = videoKeys(videoId).shard(shardIndex).detections;
  return parseDetectionsFile(await store.get(key), key);
}
