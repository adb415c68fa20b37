import { describe, expect, it } from 'vitest';
import { evenShardSeconds, fitShardSeconds, planShards } from '@orion/shared';

describe('planShards', () => {
  it('splits 25 s into 10 s shards: 3 shards, the last shorter', () => {
    expect(planShards(25, 10)).toEqual([
      { index: 0, count: 3, startSeconds: 0, endSeconds: 10 },
      { index: 1, count: 3, startSeconds: 10, endSeconds: 20 },
      { index: 2, count: 3, startSeconds: 20, endSeconds: 25 },
    ]);
  });

  it('covers the video without gaps or overlaps', () => {
    for (const [duration, size] of [
      [23.4, 10],
      [60, 7.5],
      [0.5, 10],
      [3600.04, 10],
    ] as const) {
      const shards = planShards(duration, size);
      expect(shards[0]!.startSeconds).toBe(0);
      expect(shards.at(-1)!.endSeconds).toBe(duration);
      for (let i = 1; i < shards.length; i++) expect(shards[i]!.startSeconds).toBe(shards[i - 1]!.endSeconds);
      expect(shards.every((s) => s.endSeconds > s.startSeconds && s.count === shards.length)).toBe(true);
    }
  });

  it('does not make a shard of container rounding noise', () => {
    expect(planShards(20.0000001, 10)).toHaveLength(2);
    expect(planShards(20.01, 10)).toHaveLength(3);
  });

  it('refuses non-positive durations and sizes', () => {
    expect(() => planShards(0, 10)).toThrow(/duration must be positive/);
    expect(() => planShards(10, 0)).toThrow(/shardSeconds must be positive/);
  });
});

describe('fitShardSeconds', () => {
  it('keeps a shard length that stays within the bound', () => {
    expect(fitShardSeconds(25, 10, 1000)).toBe(10);
    expect(fitShardSeconds(10, 0.01, 1000)).toBe(0.01);
  });

  it('raises a shard length that would make too many shards, to the millisecond', () => {
    expect(fitShardSeconds(10, 0.001, 1000)).toBe(0.01);
    expect(fitShardSeconds(10, 0.001, 3)).toBe(3.334);
    expect(fitShardSeconds(4 * 3600, 10, 1000)).toBe(14.4);
  });

  it('never plans more shards than the bound, whatever the duration', () => {
    for (const duration of [0.5, 10, 10.0001, 59.97, 3600.04, 14_399.9, 4_294_967_295]) {
      for (const max of [1, 7, 50, 1000]) {
        const shards = planShards(duration, fitShardSeconds(duration, 0.001, max));
        expect(shards.length).toBeLessThanOrEqual(max);
        expect(shards.at(-1)!.endSeconds).toBe(duration);
      }
    }
  });
});

describe('evenShardSeconds', () => {
  it('cuts a 30.2 s video into four shards of 7.55 s instead of 10, 10, 10 and 0.2', () => {
    expect(planShards(30.2, 10).map((s) => s.endSeconds - s.startSeconds)).toEqual([10, 10, 10, 30.2 - 30]);
    const even = evenShardSeconds(30.2, 10);
    expect(even).toBe(7.55);
    const lengths = planShards(30.2, even).map((s) => s.endSeconds - s.startSeconds);
    expect(lengths).toHaveLength(4);
    for (const l of lengths) expect(l).toBeCloseTo(7.55, 9);
  });

  it('keeps the shard count, never lengthens a shard past the longest asked, and covers the video', () => {
    for (const duration of [0.5, 10, 10.0001, 25, 30.2, 59.97, 139.4, 3600.04, 14_399.9]) {
      for (const longest of [0.01, 0.2, 1, 7.5, 10, 30]) {
        const even = evenShardSeconds(duration, longest);
        const fixed = planShards(duration, longest);
        const shards = planShards(duration, even);
        expect(shards).toHaveLength(fixed.length);
        expect(even).toBeLessThanOrEqual(longest);
        expect(shards.at(-1)!.endSeconds).toBe(duration);
        // Several shards. Evened out: the last is short of the others by < 1 ms per shard. Kept: the
        // remainder is at least half a shard, or too small to spread in whole milliseconds.
        const last = shards.at(-1)!.endSeconds - shards.at(-1)!.startSeconds;
        if (shards.length > 1 && even < longest)
          expect(last).toBeGreaterThan(even - 0.001 * shards.length - 1e-9);
        if (shards.length > 1 && even === longest)
          expect(last >= longest / 2 - 1e-9 || longest - last < 0.001 * shards.length).toBe(true);
      }
    }
  });

  it('leaves a video of one shard at the requested length', () => {
    expect(evenShardSeconds(2.84, 10)).toBe(10);
    expect(evenShardSeconds(10, 10)).toBe(10);
  });

  it('keeps the requested length when the remainder is half a shard or more (boundaries stay round)', () => {
    expect(evenShardSeconds(25, 10)).toBe(10);
    expect(evenShardSeconds(39.9, 10)).toBe(10);
    expect(evenShardSeconds(139.4, 10)).toBe(10);
    expect(evenShardSeconds(24.99, 10)).toBe(8.33);
    expect(evenShardSeconds(20.5, 10)).toBe(6.834);
  });

  it('keeps a length that already divides the video', () => {
    expect(evenShardSeconds(20, 10)).toBe(10);
    expect(evenShardSeconds(10, 0.2)).toBe(0.2);
  });
});
