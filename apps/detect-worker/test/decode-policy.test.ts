import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatList, hlsPlaylist, makeTestVideo } from '@orion/testkit';
import { DecodeError, decodeShardFrames, type DecodeShardOptions } from '../src/decode/decode-shard.js';
import { tempDirs } from './support.js';

// The decoder's own guard: a playlist that got into the store (past intake, or written there some
// other way) must not make ffmpeg read the files it names.

const dirs = tempDirs();
let dir: string;
let segment: string;
beforeAll(async () => {
  dir = await dirs.make();
  segment = await makeTestVideo({
    out: join(dir, 'private.ts'),
    seconds: 2,
    fps: 10,
    width: 160,
    height: 120,
  });
});
afterAll(() => dirs.cleanup());

async function decodeAll(opts: DecodeShardOptions): Promise<number> {
  let n = 0;
  for await (const _ of decodeShardFrames(opts)) n++;
  return n;
}

describe('decodeShardFrames on reference media', () => {
  const shard = { startSeconds: 0, endSeconds: 2, fps: 5 };

  it('decodes the self-contained segment itself (the playlist below points at real frames)', async () => {
    expect(await decodeAll({ input: segment, ...shard })).toBe(10);
  });

  for (const [kind, text] of [
    ['hls', () => hlsPlaylist([segment])],
    ['concat', () => concatList([segment])],
  ] as const) {
    it(`refuses a ${kind} list saved as .mp4, with no frame and no path in the message`, async () => {
      const input = join(dir, `${kind}.mp4`);
      await writeFile(input, text());
      const err = await decodeAll({ input, ...shard, label: 'video v1' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DecodeError);
      const message = (err as DecodeError).message;
      expect(message).toMatch(
        new RegExp(`^ffmpeg could not decode video v1 \\[0s, 2s\\): the file is in the ${kind} format`),
      );
      expect(message).not.toContain(dir);
    });
  }

  it('names the video, not its path, when ffmpeg fails for another reason', async () => {
    const input = join(dir, 'broken.mp4');
    await writeFile(input, Buffer.alloc(4096, 7));
    const err = await decodeAll({ input, ...shard }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).message).toMatch(/^ffmpeg could not decode the video \[0s, 2s\): /);
    expect((err as DecodeError).message).not.toContain(dir);
  });
});
