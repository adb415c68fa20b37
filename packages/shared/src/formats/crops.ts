import { z } from 'zod';
import { videoKeys } from '../queues/layout.js';
import type { ObjectStore } from '../storage/object-store.js';
import { parseWithSchema } from './detections.js';
import { assertPackLength } from './packed-blobs.js';
import type { Box } from '../models/preprocess.js';

/**
 * A shard's object crops: every JPEG back to back in `crops.bin`, described by `crops.json`, so the
 * embed stage gets all crops of a shard in two requests (or any one by a byte-range read).
 */

export const CROPS_FORMAT = 'orion.crops';
export const CROPS_VERSION = 1;

export const cropEntrySchema = z
  .object({
    /** The detection (its `id` in detections.json) this crop shows. */
    detection: z.number().int().min(0),
    frame: z.number().int().min(0),
    /** Byte range of the JPEG in crops.bin. */
    offset: z.number().int().min(0),
    length: z.number().int().positive(),
    /** Size of the JPEG in pixels. */
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    /** [x, y, width, height] of the cut-out in source pixels: the box plus a margin, clipped. */
    region: z.tuple([
      z.number().int().min(0),
      z.number().int().min(0),
      z.number().int().positive(),
      z.number().int().positive(),
    ]),
  })
  .strict();

export const cropsIndexSchema = z
  .object({
    format: z.literal(CROPS_FORMAT),
    version: z.literal(CROPS_VERSION),
    videoId: z.string(),
    shardIndex: z.number().int().min(0),
    contentType: z.literal('image/jpeg'),
    /** Total size of crops.bin, to detect a truncated or mismatched pack. */
    byteLength: z.number().int().min(0),
    /** Fraction of the box size added on each side before cutting. */
    margin: z.number().min(0),
    crops: z.array(cropEntrySchema),
  })
  .strict();

export type CropEntry = z.infer<typeof cropEntrySchema>;
export type CropsIndex = z.infer<typeof cropsIndexSchema>;

export interface CropToPack {
  detection: number;
  frame: number;
  region: CropEntry['region'];
  jpeg: Buffer;
  width: number;
  height: number;
}

/** Concatenates JPEGs in the given order and indexes each one's byte range. */
export function packCrops(
  crops: CropToPack[],
  meta: { videoId: string; shardIndex: number; margin: number },
): { bin: Buffer; index: CropsIndex } {
  let offset = 0;
  const entries = crops.map((c) => {
    const entry: CropEntry = {
      detection: c.detection,
      frame: c.frame,
      offset,
      length: c.jpeg.length,
      width: c.width,
      height: c.height,
      region: c.region,
    };
    offset += c.jpeg.length;
    return entry;
  });
  return {
    bin: Buffer.concat(crops.map((c) => c.jpeg)),
    index: {
      format: CROPS_FORMAT,
      version: CROPS_VERSION,
      videoId: meta.videoId,
      shardIndex: meta.shardIndex,
      contentType: 'image/jpeg',
      byteLength: offset,
      margin: meta.margin,
      crops: entries,
    },
  };
}

export function parseCropsIndex(text: string | Buffer, key = 'crops.json'): CropsIndex {
  return parseWithSchema(cropsIndexSchema, text, key);
}

/** The JPEG of one entry; refuses entries that point outside the pack. */
export function sliceCrop(bin: Buffer, entry: CropEntry): Buffer {
  if (entry.offset + entry.length > bin.length) {
    throw new RangeError(
      `crop of detection ${entry.detection} (bytes ${entry.offset}+${entry.length}) lies outside the ${bin.length}-byte pack`,
    );
  }
  return bin.subarray(entry.offset, entry.offset + entry.length);
}

/** Every crop of a shard with its JPEG, in two reads. */
export async function readShardCrops(
  store: ObjectStore,
  videoId: string,
  shardIndex: number,
): Promise<{ index: CropsIndex; crops: { entry: CropEntry; jpeg: Buffer }[] }> {
  const keys = videoKeys(videoId).shard(shardIndex);
  const index = parseCropsIndex(await store.get(keys.cropsIndex), keys.cropsIndex);
  const bin = await store.get(keys.crops);
  assertPackLength(bin, index.byteLength, keys.crops, keys.cropsIndex);
  return { index, crops: index.crops.map((entry) => ({ entry, jpeg: sliceCrop(bin, entry) })) };
}

/**
 * A detection box ([x1, y1, x2, y2], source pixels) in the pixels of its stored crop: the crop is
 * the box plus a margin (`region`), scaled down to at most the stored JPEG's size.
 */
export function boxInCrop(entry: CropEntry, box: readonly [number, number, number, number]): Box {
  const [rx, ry, rw, rh] = entry.region;
  const sx = entry.width / rw;
  const sy = entry.height / rh;
  return [(box[0] - rx) * sx, (box[1] - ry) * sy, (box[2] - rx) * sx, (box[3] - ry) * sy];
}
