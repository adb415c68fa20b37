import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FsObjectStore, VideoRepository, createRedisConnection } from '@orion/shared';
import {
  TEST_API_KEYS as KEYS,
  apiProcess,
  startApp,
  storeFlaggedVideo,
  type ApiHarness,
  type FlaggedVideo,
} from '@orion/testkit';
import { runOrion } from './support/run-orion.js';

const run = promisify(execFile);
let api: ApiHarness;
let video: FlaggedVideo;
let dir: string;
const redis = createRedisConnection(inject('redisUrl'));

beforeAll(async () => {
  api = await startApp(apiProcess, { servers: { redisUrl: inject('redisUrl'), s3: inject('s3') } });
  dir = await mkdtemp(join(tmpdir(), 'orion-cli-flags-'));
  // Seeds the API process's own store and video records, as the workers would have left them.
  const store = new FsObjectStore(fileURLToPath(api.storageUrl));
  video = await storeFlaggedVideo(store, new VideoRepository(redis, api.prefix), 'acme');
});
afterAll(async () => {
  await api?.close();
  await redis.quit();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const orion = (args: string[]) => runOrion(args, { ORION_API_URL: api.url, ORION_API_KEY: KEYS.acme });

describe('orion flags export', () => {
  it('streams the COCO data set to a file that unzips to the flagged crops', async () => {
    const file = join(dir, 'flags.zip');
    const res = await orion(['flags', 'export', video.id, '--format', 'coco', '-o', file]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`wrote ${file}: ${video.labelled.size} labelled crops`);
    const root = join(dir, 'coco');
    await run('unzip', ['-q', file, '-d', root]);
    const coco = JSON.parse(await readFile(join(root, 'annotations.json'), 'utf8'));
    expect(coco.images).toHaveLength(video.labelled.size);
    expect((await readdir(join(root, 'images'))).length).toBe(video.labelled.size);
    expect(await readdir(dir)).not.toContain('flags.zip.part');
  });

  it('writes YOLO in a tar; an unknown video or format fails in one line and leaves no file', async () => {
    const file = join(dir, 'flags.tar');
    const yolo = await orion([
      'flags',
      'export',
      video.id,
      '--format',
      'yolo',
      '--archive',
      'tar',
      '-o',
      file,
    ]);
    expect(yolo.code).toBe(0);
    const { stdout } = await run('tar', ['-tf', file]);
    expect(stdout.split('\n')).toEqual(
      expect.arrayContaining(['data.yaml', 'classes.txt', 'labels/0_0.txt']),
    );

    const missing = join(dir, 'missing.zip');
    const unknown = await orion([
      'flags',
      'export',
      '00000000-0000-4000-8000-000000000000',
      '--format',
      'coco',
      '-o',
      missing,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^orion: the API answered 404: No video 00000000-0000-4000-8000-000000000000\n$/,
    );
    await expect(access(missing)).rejects.toThrow();
    await expect(access(`${missing}.part`)).rejects.toThrow();

    const bad = await orion(['flags', 'export', video.id, '--format', 'voc', '-o', missing]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("'voc' is invalid");
    await expect(access(missing)).rejects.toThrow();
  });
});
