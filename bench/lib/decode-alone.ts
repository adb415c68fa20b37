import { probeMedia } from '@orion/shared';
import { decodeShardFrames } from '../../apps/detect-worker/src/decode/decode-shard.js';
import { processCpu } from './process-cpu.js';

/**
 * ffmpeg sampling of the whole video at `fps` with nothing else running: frames, milliseconds and
 * ffmpeg's CPU time (this process's waited-for children, read after the decoder has exited).
 */
export async function decodeAlone(
  file: string,
  fps: number,
): Promise<{ frames: number; ms: number; cpuMs: number }> {
  const { durationSeconds } = await probeMedia(file);
  const cpuBefore = processCpu('self').childrenMs;
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
  const ms = performance.now() - started;
  return { frames, ms, cpuMs: processCpu('self').childrenMs - cpuBefore };
}
