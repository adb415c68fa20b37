import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName, jobIds } from '@orion/shared';
import { fileForm, makeUploadMedia, type UploadMedia } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

let api: ApiHarness;
let media: UploadMedia;
beforeAll(async () => {
  [api, media] = await Promise.all([startApi({ storage: 's3' }), makeUploadMedia()]);
});
afterAll(async () => {
  await api?.deps.store.deletePrefix('');
  await api?.close();
  await media?.cleanup();
});

describe('on S3 storage (s3rver)', () => {
  it('hands out presigned PUT URLs, then accepts the uploaded keys as sources (probed over HTTP)', async () => {
    const res = await api.request('/v1/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: [{ filename: 'my clip (1).mp4', contentType: 'video/mp4' }] }),
    });
    expect(res.status).toBe(200);
    const [target] = (await res.json()).uploads;
    expect(target.key).toMatch(/^uploads\/acme\/[0-9a-f-]{36}\/my_clip_1_.mp4$/);
    const put = await fetch(target.url, {
      method: 'PUT',
      headers: target.headers,
      body: await readFile(media.long),
    });
    expect(put.status).toBe(200);

    const submit = await api.request('/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sources: [{ key: target.key, filename: 'my clip (1).mp4' }],
        shardSeconds: 5,
        targetFps: 2,
      }),
    });
    expect(submit.status).toBe(202);
    const [video] = (await submit.json()).videos;
    expect(video).toMatchObject({ key: target.key, state: 'queued', shards: 5 });
    const detect = await api.deps.queues.job(QueueName.detect, jobIds.detect(video.id, 4));
    expect(detect!.data).toMatchObject({
      sourceKey: target.key,
      targetFps: 2,
      shard: { index: 4, count: 5, startSeconds: 20 },
    });
  });

  it('refuses a presigned upload for a filename with control characters', async () => {
    const res = await api.request('/v1/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: [{ filename: 'a.mp4' }, { filename: 'b\r\nSet-Cookie: x.mp4' }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 'BAD_REQUEST',
      message:
        'files[1]: filename "b\\r\\nSet-Cookie: x.mp4" has control or bidirectional-override characters',
    });
  });

  it('streams multipart uploads into the bucket', async () => {
    const res = await api.request('/v1/videos', {
      method: 'POST',
      body: await fileForm([{ path: media.short, name: 's.mp4' }]),
    });
    const [video] = (await res.json()).videos;
    expect(video.state).toBe('queued');
    const stored = await api.deps.store.head(`videos/${video.id}/source`);
    expect(stored?.size).toBe((await readFile(media.short)).length);
  });

  it('says clearly that the filesystem store has no presigned uploads', async () => {
    const local = await startApi();
    try {
      const res = await local.request('/v1/uploads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ files: [{ filename: 'a.mp4' }] }),
      });
      expect(res.status).toBe(501);
      expect((await res.json()).message).toMatch(/need S3 storage/);
    } finally {
      await local.close();
    }
  });
});
