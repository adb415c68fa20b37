import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { fixturePath, makeTestVideo, startRedisServer } from '@orion/testkit';

const run = promisify(execFile);

describe('testkit', () => {
  it('starts a real redis-server on a free port and stops it by pid', async () => {
    const redis = await startRedisServer();
    const client = new Redis(redis.url);
    expect(await client.ping()).toBe('PONG');
    await client.quit();
    await redis.stop();
    expect(() => process.kill(redis.pid, 0)).toThrow(); // the process is gone
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

  it('finds the shared fixtures, or says where they were expected', () => {
    expect(fixturePath('videos', 'TUD-Campus_640x480_25fps.mp4')).toMatch(/TUD-Campus/);
    expect(() => fixturePath('videos', 'nope.mp4')).toThrowError(/Missing shared file: .*nope\.mp4/);
  });
});
