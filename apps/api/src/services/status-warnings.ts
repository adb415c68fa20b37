import type { StatusWarning } from '@orion/shared/api';

/**
 * Frames a video may lack before it is worth a warning. The last sample of a shard can fall a few
 * milliseconds past the last frame (container durations are rounded), so one missing frame per video
 * is normal; beyond 2 % of the plan, parts of the file did not decode.
 */
const toleratedMissing = (expected: number) => Math.max(1, Math.floor(expected * 0.02));

/** What went less well than planned, read from the finished detect jobs' own counts. */
export function statusWarnings(
  counts: { frames: number; expectedFrames: number },
  targetFps: number,
): StatusWarning[] {
  const { frames, expectedFrames } = counts;
  const missing = expectedFrames - frames;
  if (missing <= toleratedMissing(expectedFrames)) return [];
  const share = Math.round((100 * missing) / expectedFrames);
  return [
    {
      code: 'FRAMES_MISSING',
      message:
        `decoded ${frames} of the ${expectedFrames} frames planned at ${targetFps} fps (${share} % missing): ` +
        'the file is damaged or shorter than its header says; entities cover only the decoded parts',
    },
  ];
}
