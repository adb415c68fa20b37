import type { DetectTimings } from '@orion/shared';

export const zeroDetectTimings = (): DetectTimings => ({
  decodeWaitMs: 0,
  preprocessMs: 0,
  inferenceMs: 0,
  postprocessMs: 0,
  cropsMs: 0,
  storeMs: 0,
  totalMs: 0,
});

/** To 0.1 ms, as the job summary reports them. */
export function roundDetectTimings(timings: DetectTimings): DetectTimings {
  for (const key of Object.keys(timings) as (keyof DetectTimings)[]) {
    timings[key] = Math.round(timings[key] * 10) / 10;
  }
  return timings;
}
