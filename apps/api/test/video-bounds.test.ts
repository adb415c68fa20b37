import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoKeys } from '@orion/shared';
import { fileForm, makeTestVideo, tempDirs, withClaimedDuration } from '@orion/testkit';
import { VideoIntake } from '../src/services/video-intake.js';
import { startApi, type ApiHarness } from './harness.js';

// Issue #15 items 3 and 4: a video's shard count and length are bounded (a container's claimed
// duration is checked against its packets), and one bad file never sinks the others of its request.

const MAX_SHARDS = 50;
const MAX_SECONDS = 600;

type Item = {
  id?: string;
  filename?: string;
  shards?: number;
  shardSeconds?: number;
  error?: { code: string; message: string };
};

const dirs = tempDirs('orion-bounds-');
let dir: string;
let clip10: string;
let clip2: string;
let api: ApiHarness;
beforeAll(async () => {
  dir = await dirs.make();
  const small = { fps: 10, width: 160, height: 120 };
  [clip10, clip2, api] = await Promise.all([
    makeTestVideo({ out: join(dir, 'ten.mp4'), seconds: 10, ...small }),
    makeTestVideo({ out: join(dir, 'two.mp4'), seconds: 2, ...small }),
    startApi({
      env: { MAX_SHARDS_PER_VIDEO: String(MAX_SHARDS), MAX_VIDEO_SECONDS: String(MAX_SECONDS) },
    }),
  ]);
});
afterAll(async () => {
  await api?.close();
  await dirs.cleanup();
});

async function storedKeys(prefix = 'videos/'): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of api.deps.store.listAll(prefix)) keys.push(o.key);
  return keys;
}

async function submit(files: { path: string; name: string }[], fields: Record<string, string> = {}) {
  const res = await api.request('/v1/videos', { method: 'POST', body: await fileForm(files, fields) });
  return { status: res.status, body: (await res.json()) as { videos: Item[]; accepted: number } };
}

describe('shard bound', () => {
  it('raises shardSeconds=0.001 on a 10 s video to fit MAX_SHARDS_PER_VIDEO, and says so', async () => {
    const { status, body } = await submit([{ path: clip10, name: 'ten.mp4' }], { shardSeconds: '0.001' });
    expect(status).toBe(202);
    const [item] = body.videos;
    expect(item).toMatchObject({ filename: 'ten.mp4', shards: MAX_SHARDS, shardSeconds: 0.2 });
    const detect = await api.deps.queues.queues.detect.getJobCountByTypes('waiting', 'prioritized');
    expect(detect).toBe(MAX_SHARDS);
    const video = await (await api.request(`/v1/videos/${item!.id}`)).json();
    expect(video.plan).toEqual({ shardSeconds: 0.2, targetFps: 4, shardCount: MAX_SHARDS });
  });

  it('keeps a shard length that fits', async () => {
    const { body } = await submit([{ path: clip10, name: 'ten.mp4' }], { shardSeconds: '5' });
    expect(body.videos[0]).toMatchObject({ shards: 2, shardSeconds: 5 });
  });
});

describe('a container that claims more than it holds', () => {
  it('2³²−1 s claimed by a 2 s clip: planned on its real length, quickly, no 500', async () => {
    const liar = await withClaimedDuration(clip2, join(dir, 'liar.mp4'), 2 ** 32 - 1);
    const started = Date.now();
    const { status, body } = await submit([{ path: liar, name: 'liar.mp4' }]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(status).toBe(202);
    expect(body.videos[0]).toMatchObject({ filename: 'liar.mp4', shards: 1, shardSeconds: 10 });
    const video = await (await api.request(`/v1/videos/${body.videos[0]!.id}`)).json();
    expect(video.video.durationSeconds).toBeCloseTo(2, 1);
  });

  it('packets spread over hours beside a good file: 202, the good id, the long one refused and not kept', async () => {
    const stretched = await withClaimedDuration(clip2, join(dir, 'stretched.mp4'), 36_000, {
      stretchPackets: true,
    });
    const before = await storedKeys();
    const { status, body } = await submit([
      { path: stretched, name: 'stretched.mp4' },
      { path: clip2, name: 'good.mp4' },
    ]);
    expect(status).toBe(202);
    expect(body.accepted).toBe(1);
    const [bad, good] = body.videos;
    expect(bad!.id).toBeUndefined();
    expect(bad!.error!.code).toBe('VIDEO_TOO_LONG');
    expect(bad!.error!.message).toMatch(
      /^stretched\.mp4: the video is \d+(\.\d)? s \(\d+(\.\d)? h\) long, longer than the limit of 600 s \(10 min\)$/,
    );
    expect(good).toMatchObject({ filename: 'good.mp4', state: 'queued', shards: 1 });
    // Only the good video's files were added.
    const added = (await storedKeys()).filter((k) => !before.includes(k));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((k) => k.startsWith(`videos/${good!.id}/`))).toBe(true);
  });
});

describe('an unexpected error while admitting one file', () => {
  it('becomes that file’s ADMISSION_FAILED entry, with nothing of it kept', async () => {
    const { deps } = api;
    let failFor = '';
    // The real store, except that writing one video's manifest fails (a full disk, say).
    const store = new Proxy(deps.store, {
      get(target, prop, receiver) {
        if (prop === 'put')
          return (key: string, ...rest: [Buffer | string, object?]) =>
            failFor && key === videoKeys(failFor).manifest
              ? Promise.reject(new Error('disk full'))
              : target.put(key, ...rest);
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const intake = new VideoIntake({ ...deps, store });
    const staged = await intake.stageUpload(Readable.from(await readFile(clip2)));
    failFor = staged.videoId;
    const item = await intake.admit({
      videoId: staged.videoId,
      tenantId: 'acme',
      sourceKey: staged.key,
      ownsSource: true,
      filename: 'unlucky.mp4',
      options: {},
    });
    expect(item).toEqual({
      filename: 'unlucky.mp4',
      error: {
        code: 'ADMISSION_FAILED',
        message:
          'unlucky.mp4: could not be admitted because of a server error; nothing of it was kept, submit it again',
      },
    });
    expect(await deps.videos.get(staged.videoId)).toBeUndefined();
    expect(await storedKeys(videoKeys(staged.videoId).root)).toEqual([]);
  });
});

describe('on S3 storage, where ffprobe reads a presigned URL', () => {
  let s3: ApiHarness;
  beforeAll(async () => {
    s3 = await startApi({ storage: 's3', env: { MAX_VIDEO_SECONDS: String(MAX_SECONDS) } });
  });
  afterAll(async () => {
    await s3?.deps.store.deletePrefix('');
    await s3?.close();
  });

  it('measures a lying JSON source over HTTP; a refused source is the caller’s and stays', async () => {
    const liarKey = 'uploads/acme/bounds/liar.mp4';
    const longKey = 'uploads/acme/bounds/stretched.mp4';
    await s3.deps.store.put(
      liarKey,
      await readFile(await withClaimedDuration(clip2, join(dir, 's3-liar.mp4'), 2 ** 32 - 1)),
    );
    await s3.deps.store.put(
      longKey,
      await readFile(
        await withClaimedDuration(clip2, join(dir, 's3-long.mp4'), 36_000, { stretchPackets: true }),
      ),
    );
    const res = await s3.request('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sources: [{ key: liarKey }, { key: longKey }] }),
    });
    expect(res.status).toBe(202);
    const [liar, long] = (await res.json()).videos as Item[];
    expect(liar).toMatchObject({ key: liarKey, shards: 1 });
    expect(long!.error!.code).toBe('VIDEO_TOO_LONG');
    expect(long!.error!.message).toMatch(new RegExp(`^${longKey}: the video is `));
    expect(await s3.deps.store.head(longKey)).toBeDefined();
    const stored: string[] = [];
    for await (const o of s3.deps.store.listAll('videos/')) stored.push(o.key);
    expect(stored.every((k) => k.startsWith(`videos/${liar!.id}/`))).toBe(true);
  });
});
