import { probeMedia } from '@orion/shared';
import { decodeShardFrames } from '../../apps/detect-worker/src/decode/decode-shard.js';

/** ffmpeg sampling of the whole video at `fps` with nothing else running: frames and milliseconds. */
export async function decodeAlone(file: string, fps: number): Promise<{ frames: number; ms: number }> {
  const { durationSeconds } = await probeMedia(file);
  const started = performance.now();
  let frames = 0;
  for await (const _ of decodeShardFrames({
    input: file,
    startSeconds: 0,
    endSeconds: durationSeconds,
    fps,
  })) {
    frames++;
  }
  return { frames, ms: performance.now() - started };
}
