import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidMediaError, inputProtocols, isAllowedContainer, probeMedia } from '@orion/shared';
import { concatList, hlsPlaylist, makeTestVideo, tempDirs } from '@orion/testkit';

const dirs = tempDirs('orion-media-policy-');
let dir: string;
let segment: string;
let mp4: string;
beforeAll(async () => {
  dir = await dirs.make();
  [segment, mp4] = await Promise.all([
    makeTestVideo({ out: join(dir, 'private.ts'), seconds: 2, fps: 10, width: 160, height: 120 }),
    makeTestVideo({ out: join(dir, 'clip.mp4'), seconds: 2, fps: 10, width: 160, height: 120 }),
  ]);
});
afterAll(() => dirs.cleanup());

/** ffprobe's format_name without Orion's allowlists: proves the test file really is the attack. */
function plainFormatName(path: string): Promise<string | undefined> {
  return new Promise((resolve, reject) =>
    ffmpeg.ffprobe(path, (err, data) => (err ? reject(err as Error) : resolve(data.format.format_name))),
  );
}

async function refusal(input: string): Promise<InvalidMediaError> {
  const err = await probeMedia(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidMediaError);
  return err as InvalidMediaError;
}

describe('what ffprobe may open', () => {
  it('reads a self-contained MP4 and MPEG-TS as before', async () => {
    expect((await probeMedia(mp4)).formatName).toBe('mov,mp4,m4a,3gp,3g2,mj2');
    expect((await probeMedia(segment)).formatName).toBe('mpegts');
  });

  it('refuses an HLS playlist saved as .mp4, naming the format and not the path', async () => {
    const playlist = join(dir, 'playlist.mp4');
    await writeFile(playlist, hlsPlaylist([segment]));
    expect(await plainFormatName(playlist)).toBe('hls');
    const err = await refusal(playlist);
    expect(err.message).toMatch(/hls format, which is not accepted.*playlists and files that refer/);
    expect(err.message).not.toContain(dir);
  });

  it('refuses an ffconcat list', async () => {
    const list = join(dir, 'list.mp4');
    await writeFile(list, concatList([segment]));
    expect((await refusal(list)).message).toMatch(/concat format, which is not accepted/);
  });

  it('refuses inputs written as other protocols (subfile:, data:)', async () => {
    expect((await refusal(`subfile,,start,0,end,0,,:${mp4}`)).message).toMatch(
      /refers to data elsewhere \(subfile\)/,
    );
    expect((await refusal('data:video/mp4;base64,AAAA')).message).toMatch(
      /refers to data elsewhere \(data\)/,
    );
  });

  it('names the file, not its path, when ffprobe cannot read it at all', async () => {
    const text = join(dir, 'notes.mp4');
    await writeFile(text, 'not a video\n'.repeat(50));
    const err = await refusal(text);
    expect(err.message).toMatch(/^not a readable video \(ffprobe: the file: /);
    expect(err.message).not.toContain(dir);
  });
});

describe('the allowlists', () => {
  it('gives the store URL only its own protocol, anything else only local files', () => {
    expect(inputProtocols('https://bucket.s3.example/k?X-Amz-Signature=x')).toBe('https,tls,tcp');
    expect(inputProtocols('http://127.0.0.1:9000/bucket/k')).toBe('http,tcp');
    expect(inputProtocols('/srv/orion/videos/x/source')).toBe('file');
    expect(inputProtocols('data:video/mp4;base64,AAAA')).toBe('file');
  });

  it('accepts the containers of ordinary video files only', () => {
    for (const ok of ['mov,mp4,m4a,3gp,3g2,mj2', 'matroska,webm', 'avi', 'mpegts', 'mpeg', 'flv'])
      expect(isAllowedContainer(ok)).toBe(true);
    for (const no of ['hls', 'concat', 'sdp', 'image2', 'subfile', 'mpegtsraw', 'unknown'])
      expect(isAllowedContainer(no)).toBe(false);
  });
});
