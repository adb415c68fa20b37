import { InvalidShardFileError } from './detections.js';

/**
 * Packed shard files (crops.bin, embeddings.bin) hold many records back to back in one binary object,
 * beside a JSON index that says where each record lies and how long the whole binary is: a stage reads
 * a shard in two requests, and a record by a byte-range read.
 */

/** Refuses a binary that is not as long as its index says: truncated, or not the index's pack. */
export function assertPackLength(bin: Buffer, byteLength: number, binKey: string, indexKey?: string): void {
  if (bin.length !== byteLength) {
    const index = indexKey ? `its index ${indexKey}` : 'its index';
    throw new InvalidShardFileError(binKey, [`holds ${bin.length} bytes, ${index} says ${byteLength}`]);
  }
}
