import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { fixturePath, makeTestVideo, recutVideo, spansInCuts, startRedisServer } from '@orion/testkit';

const run = promisify(execFile);

describe('testkit', () => {
  it('starts a real redis-server on a free port and stops it by pid', async () => {
    const redis = await startRedisServer();
    const client = new Redis(redis.url);
    expect(await client.ping()).toBe('PONG');
    // Tests need no persistence: nothing is written to disk.
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    await client.quit();
    await redis.stop();
    expect(() => process.kill(redis.pid, 0)).toThrow(); // the process is gone
  });

  it('keeps the data of an AOF redis-server across a restart on the same folder, and the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orion-aof-'));
    try {
      const first = await startRedisServer({ aofDir: dir });
      const client = new Redis(first.url);
      await client.set('survives', 'restart');
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      await client.quit();
      await first.stop(); // SIGTERM: redis flushes the AOF on a clean shutdown
      const second = await startRedisServer({ aofDir: dir });
      const again = new Redis(second.url);
      expect(await again.get('survives')).toBe('restart');
      await again.quit();
      await second.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('renders a test video with the asked duration and frame rate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orion-video-'));
    try {
      const out = await makeTestVideo({
        out: join(dir, 'v.mp4'),
        seconds: 3,
        fps: 10,
        width: 160,
        height: 120,
      });
      const { stdout } = await run('ffprobe', [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-count_frames',
        '-show_entries',
        'stream=nb_read_frames,width,height',
        '-of',
        'json',
        out,
      ]);
      expect(JSON.parse(stdout).streams[0]).toEqual({ width: 160, height: 120, nb_read_frames: '30' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('re-cuts a video from stretches of it, and maps spans of the source onto the re-cut', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orion-video-'));
    try {
      const source = await makeTestVideo({
        out: join(dir, 's.mp4'),
        seconds: 6,
        fps: 10,
        width: 160,
        height: 120,
      });
      const cuts = [
        { start: 4, end: 5.5 },
        { start: 0.5, end: 2 },
        { start: 4.5, end: 5 },
      ];
      const out = await recutVideo(source, cuts, join(dir, 'r.mp4'));
      const { stdout } = await run('ffprobe', [
        ...['-v', 'error', '-select_streams', 'v:0', '-count_frames'],
        ...['-show_entries', 'stream=nb_read_frames,width,height', '-of', 'json', out],
      ]);
      expect(JSON.parse(stdout).streams[0]).toEqual({ width: 160, height: 120, nb_read_frames: '35' });
      await expect(recutVideo(join(dir, 'none.mp4'), cuts, join(dir, 'x.mp4'))).rejects.toThrow(
        /could not re-cut .*none\.mp4/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const spans = [
      { start: 1, end: 4.8, id: 'a' },
      { start: 5.2, end: 6, id: 'b' },
    ];
    expect(
      spansInCuts(spans, [
        { start: 4, end: 5.5 },
        { start: 0.5, end: 2 },
        { start: 4.5, end: 5 },
      ]).map((s) => ({ ...s, start: +s.start.toFixed(9), end: +s.end.toFixed(9) })),
    ).toEqual([
      { start: 0, end: 0.8, id: 'a' },
      { start: 1.2, end: 1.5, id: 'b' },
      { start: 2, end: 3, id: 'a' },
      { start: 3, end: 3.3, id: 'a' },
    ]);
  });

  it('finds the shared fixtures, or says where they were expected', () => {
    expect(fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4')).toMatch(/TUD-Campus/);
    expect(() => fixturePath('videos', 'nope.mp4')).toThrowError(/Missing shared file: .*nope\.mp4/);
  });
});
