import type { DecodedFrame } from '../decode/decode-shard.js';

/**
 * Hands the decoded frames to `onBatch` in batches of `batchSize` (the last one may be shorter), each
 * awaited before more frames are taken. Returns the time spent waiting for the decoder, i.e. decoding
 * not overlapped with the work done on the batches.
 */
export async function forEachFrameBatch(
  frames: AsyncIterable<DecodedFrame>,
  batchSize: number,
  onBatch: (batch: DecodedFrame[]) => Promise<void>,
): Promise<number> {
  let decodeWaitMs = 0;
  let batch: DecodedFrame[] = [];
  let waitStart = performance.now();
  for await (const frame of frames) {
    decodeWaitMs += performance.now() - waitStart;
    batch.push(frame);
    if (batch.length === batchSize) {
      await onBatch(batch);
      batch = [];
    }
    waitStart = performance.now();
  }
  decodeWaitMs += performance.now() - waitStart;
  if (batch.length) await onBatch(batch);
  return decodeWaitMs;
}
