import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidMediaError,
  MIN_TRUSTED_BYTES_PER_SECOND,
  isDurationPlausible,
  measureVideoSeconds,
  probeMedia,
} from '@orion/shared';
import { makeTestVideo, tempDirs, withClaimedDuration } from '@orion/testkit';

// A container's duration is a header field; these files claim far more than they hold.
const dirs = tempDirs('orion-stream-length-');
let dir: string;
let clip: string;
beforeAll(async () => {
  dir = await dirs.make();
  clip = await makeTestVideo({ out: join(dir, 'clip.mp4'), seconds: 2, fps: 10, width: 160, height: 120 });
});
afterAll(() => dirs.cleanup());

describe('isDurationPlausible', () => {
  it('believes a claim the file is big enough for, and nothing without a size', () => {
    expect(isDurationPlausible(10, 10 * MIN_TRUSTED_BYTES_PER_SECOND)).toBe(true);
    expect(isDurationPlausible(36_000, 43_000)).toBe(false);
    expect(isDurationPlausible(10, undefined)).toBe(false);
  });
});

describe('probeMedia on a container that claims more than it holds', () => {
  it('plans on the packets: a 2 s clip claiming 2³²−1 s probes as 2 s, quickly', async () => {
    const liar = await withClaimedDuration(clip, join(dir, 'liar.mp4'), 2 ** 32 - 1);
    const started = Date.now();
    const probe = await probeMedia(liar);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(probe.claimedDurationSeconds).toBe(2 ** 32 - 1);
    expect(probe.durationSeconds).toBeCloseTo(2, 1);
  });

  it('measures the same length as the container gives for an honest file', async () => {
    const probe = await probeMedia(clip);
    expect(await measureVideoSeconds(clip)).toBeCloseTo(probe.durationSeconds, 1);
  });

  it('gives the packets’ own span when their timestamps are stretched too', async () => {
    const stretched = await withClaimedDuration(clip, join(dir, 'stretched.mp4'), 36_000, {
      stretchPackets: true,
    });
    expect((await stat(stretched)).size).toBeLessThan(100_000);
    const probe = await probeMedia(stretched);
    expect(probe.claimedDurationSeconds).toBe(36_000);
    expect(probe.durationSeconds).toBeGreaterThan(1000);
  });

  it('refuses with InvalidMediaError when the scan cannot finish in time, never naming the path', async () => {
    const err = await measureVideoSeconds(clip, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidMediaError);
    expect((err as Error).message).toBe('its length could not be checked within 0.001 s');
    expect((err as Error).message).not.toContain(dir);
  });
});
