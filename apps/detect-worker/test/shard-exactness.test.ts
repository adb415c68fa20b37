import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planShards } from '@orion/shared';
import { makeTestVideo } from '@orion/testkit';
import { decodeShardFrames } from '../src/decode/decode-shard.js';
import { shardFrameRange } from '../src/decode/frame-range.js';
import { tempDirs } from './support.js';

// A 23 s, 30 fps testsrc2 video (every frame different). The reference is every source frame decoded
// in one pass; a sample taken at time t must be, pixel for pixel, the source frame on screen at t.

const dirs = tempDirs();
let video: string;
let reference: string[];
const digest = (data: Buffer) => createHash('sha1').update(data).digest('hex');

beforeAll(async () => {
  video = await makeTestVideo({
    out: join(await dirs.make(), 'src.mp4'),
    seconds: 23,
    fps: 30,
    width: 160,
    height: 120,
  });
  reference = [];
  for await (const f of decodeShardFrames({ input: video, startSeconds: 0, endSeconds: 23, fps: 30 })) {
    reference.push(digest(f.image.data));
  }
});
afterAll(() => dirs.cleanup());

/** Decodes every shard of the plan and checks each sample against the source frame on screen then. */
async function sampleAllShards(shardSeconds: number, fps: number) {
  const samples: number[] = [];
  let mismatches = 0;
  for (const shard of planShards(23, shardSeconds)) {
    for await (const f of decodeShardFrames({
      input: video,
      startSeconds: shard.startSeconds,
      endSeconds: shard.endSeconds,
      fps,
    })) {
      samples.push(f.index);
      expect(f.t).toBeCloseTo(f.index / fps, 6);
      expect(f.t).toBeGreaterThanOrEqual(shard.startSeconds - 1e-9);
      expect(f.t).toBeLessThan(shard.endSeconds);
      // Source frame k is on screen during [k / 30, (k + 1) / 30).
      const k = Math.min(reference.length - 1, Math.floor((f.index * 30) / fps + 1e-9));
      if (digest(f.image.data) !== reference[k]) mismatches++;
    }
  }
  return { samples, mismatches };
}

describe('shard sampling', () => {
  it('the reference pass holds 690 distinct frames', () => {
    expect(reference).toHaveLength(690);
    expect(new Set(reference).size).toBe(690);
  });

  it('10 s shards at 4 fps give exactly 92 samples, each once, each the right frame', async () => {
    const { samples, mismatches } = await sampleAllShards(10, 4);
    expect(samples).toEqual(Array.from({ length: 92 }, (_, n) => n));
    expect(mismatches).toBe(0);
  });

  it('stays exact when shard bounds fall between samples (2.3 s shards at 7 fps)', async () => {
    const { samples, mismatches } = await sampleAllShards(2.3, 7);
    expect(samples).toEqual(Array.from({ length: 161 }, (_, n) => n));
    expect(mismatches).toBe(0);
  });

  it('repeats source frames when sampling faster than the source (45 fps)', async () => {
    const { samples, mismatches } = await sampleAllShards(10, 45);
    expect(samples).toEqual(Array.from({ length: 1035 }, (_, n) => n));
    expect(mismatches).toBe(0);
  });

  it('assigns every sample time to exactly one shard', () => {
    for (const [S, fps] of [
      [10, 4],
      [2.3, 7],
      [0.1, 29.97],
      [3, 1 / 3],
    ] as const) {
      let next = 0;
      for (const shard of planShards(23, S)) {
        const r = shardFrameRange(shard.startSeconds, shard.endSeconds, fps);
        expect(r.first).toBe(next);
        next = r.first + r.count;
      }
      expect(next).toBe(Math.ceil(23 * fps - 1e-6));
    }
  });
});
