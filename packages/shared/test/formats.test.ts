import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FsObjectStore,
  InvalidShardFileError,
  packCrops,
  parseDetectionsFile,
  readShardCrops,
  videoKeys,
  type DetectionsFile,
} from '@orion/shared';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function store() {
  const dir = await mkdtemp(join(tmpdir(), 'orion-formats-'));
  dirs.push(dir);
  return new FsObjectStore(dir);
}

const jpeg = (w: number, h: number, r: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r, g: 0, b: 0 } } })
    .jpeg()
    .toBuffer();

describe('crop pack', () => {
  it('round-trips crops through the store in two reads', async () => {
    const s = await store();
    const images = await Promise.all([jpeg(10, 20, 255), jpeg(30, 5, 128), jpeg(7, 7, 0)]);
    const { bin, index } = packCrops(
      images.map((j, i) => ({
        detection: i,
        frame: 40 + i,
        region: [i, i, 10, 10],
        jpeg: j,
        width: 1,
        height: 1,
      })),
      { videoId: 'v', shardIndex: 3, margin: 0.1 },
    );
    expect(index.byteLength).toBe(bin.length);
    expect(index.crops.map((c) => c.offset)).toEqual([
      0,
      images[0]!.length,
      images[0]!.length + images[1]!.length,
    ]);
    const keys = videoKeys('v').shard(3);
    await s.put(keys.crops, bin);
    await s.put(keys.cropsIndex, JSON.stringify(index));
    const read = await readShardCrops(s, 'v', 3);
    read.crops.forEach((c, i) => expect(c.jpeg.equals(images[i]!)).toBe(true));
    expect((await sharp(read.crops[1]!.jpeg).metadata()).width).toBe(30);

    await s.put(keys.crops, bin.subarray(0, bin.length - 1));
    await expect(readShardCrops(s, 'v', 3)).rejects.toThrow(InvalidShardFileError);
    await expect(readShardCrops(s, 'v', 3)).rejects.toThrow(/holds \d+ bytes, its index .* says \d+/);
  });
});

describe('detections file', () => {
  const file: DetectionsFile = {
    format: 'orion.detections',
    version: 1,
    videoId: 'v',
    shard: { index: 0, count: 1, startSeconds: 0, endSeconds: 10 },
    sampling: { fps: 4, firstFrame: 0, frameCount: 40 },
    frameSize: { width: 640, height: 480 },
    model: { name: 'yolox_nano', sha256: 'x', scoreThreshold: 0.3, nmsIou: 0.45, classes: null },
    labels: ['person'],
    detections: [
      {
        id: 0,
        frame: 3,
        t: 0.75,
        box: [1, 2, 3, 4],
        class: 0,
        label: 'person',
        score: 0.9,
        top5: [{ class: 0, p: 0.95 }],
      },
    ],
  };

  it('parses what the detector writes', () => {
    expect(parseDetectionsFile(JSON.stringify(file))).toEqual(file);
  });

  it('names the key and the fields of a file that is not the format', () => {
    const bad = { ...file, version: 2, detections: [{ ...file.detections[0], score: 1.5 }] };
    expect(() => parseDetectionsFile(JSON.stringify(bad), 'videos/v/shards/00000/detections.json')).toThrow(
      /Invalid shard file videos\/v\/shards\/00000\/detections\.json: version: .*; detections\.0\.score/,
    );
    expect(() => parseDetectionsFile('{', 'k')).toThrow(/Invalid shard file k: not JSON/);
  });
});
