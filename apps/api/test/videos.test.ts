import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName, jobIds, videoKeys } from '@orion/shared';
import { TEST_API_KEYS as KEYS, fileForm, makeUploadMedia, type UploadMedia } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

let api: ApiHarness;
let media: UploadMedia;

beforeAll(async () => {
  [api, media] = await Promise.all([startApi(), makeUploadMedia()]);
});
afterAll(async () => {
  await api?.close();
  await media?.cleanup();
});

async function jobCount() {
  const counts = await Promise.all(
    Object.values(api.deps.queues.queues).map((q) =>
      q.getJobCountByTypes('waiting', 'waiting-children', 'active', 'delayed', 'completed', 'failed'),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

describe('POST /v1/videos (multipart, bulk)', () => {
  let submitted: {
    videos: { id?: string; filename?: string; error?: { code: string; message: string }; shards?: number }[];
  };

  it('answers 202 with two video ids and one per-file error for a file that is not a video', async () => {
    const form = await fileForm(
      [
        { path: media.long, name: 'long.mp4' },
        { path: media.text, name: 'notes.mp4' },
        { path: media.short, name: 'short.mp4' },
      ],
      { tags: 'demo,bulk' },
    );
    const res = await api.request('/v1/videos', { method: 'POST', body: form });
    expect(res.status).toBe(202);
    submitted = await res.json();
    expect(submitted).toMatchObject({ accepted: 2, rejected: 1 });
    const [long, notes, short] = submitted.videos;
    expect(long).toMatchObject({ filename: 'long.mp4', state: 'queued', shards: 3 });
    expect(short).toMatchObject({ filename: 'short.mp4', state: 'queued', shards: 1 });
    expect(notes!.id).toBeUndefined();
    expect(notes!.error).toMatchObject({ code: 'INVALID_VIDEO' });
    expect(notes!.error!.message).toMatch(/^notes\.mp4: not a readable video/);
  });

  it('stores each upload and adds one flow per video with the right shard count (25 s / 10 s = 3)', async () => {
    const long = submitted.videos[0]!.id!;
    const keys = videoKeys(long);
    expect((await api.deps.store.head(keys.source))?.size).toBeGreaterThan(1000);
    const queues = api.deps.queues;
    const detect = await Promise.all(
      [0, 1, 2, 3].map((k) => queues.job(QueueName.detect, jobIds.detect(long, k))),
    );
    expect(detect.slice(0, 3).every(Boolean)).toBe(true);
    expect(detect[3]).toBeUndefined();
    // A remainder of half a shard (5 s) keeps the round 10 s boundaries.
    expect(detect.map((j) => j?.data.shard)).toEqual([
      { index: 0, count: 3, startSeconds: 0, endSeconds: 10 },
      { index: 1, count: 3, startSeconds: 10, endSeconds: 20 },
      { index: 2, count: 3, startSeconds: 20, endSeconds: expect.closeTo(25, 1) },
      undefined,
    ]);
    // Fan-in: cluster waits for the embed jobs, finalize for cluster.
    const cluster = await queues.job(QueueName.cluster, jobIds.cluster(long, 'r1'));
    expect(await cluster!.getState()).toBe('waiting-children');
    expect((await cluster!.getDependenciesCount()).unprocessed).toBe(3);
    expect(await (await queues.job(QueueName.embed, jobIds.embed(long, 0)))!.getState()).toBe(
      'waiting-children',
    );
    expect(await detect[0]!.getState()).toBe('waiting');
  });

  it('keeps nothing of the refused file', async () => {
    const ids = submitted.videos.filter((v) => v.id).map((v) => v.id);
    const stored = new Set<string>();
    for await (const o of api.deps.store.listAll('videos/')) stored.add(o.key.split('/')[1]!);
    expect([...stored].sort()).toEqual([...ids].sort());
  });

  it('reports status: queued, 0 %, per-stage progress and the plan', async () => {
    const res = await api.request(`/v1/videos/${submitted.videos[0]!.id}`);
    expect(res.status).toBe(200);
    const status = await res.json();
    expect(status).toMatchObject({
      state: 'queued',
      stage: 'queued',
      percent: 0,
      tags: ['demo', 'bulk'],
      plan: { shardSeconds: 10, targetFps: 4, shardCount: 3 },
      progress: { detect: { state: 'pending', completed: 0, total: 3 }, cluster: { total: 1 } },
      counts: { frames: 0, detections: 0, entities: null },
      video: { width: 160, height: 120 },
    });
    expect(status.video.durationSeconds).toBeCloseTo(25, 0);
  });

  it('lists the tenant’s videos with cursor paging and a state filter', async () => {
    const first = await (await api.request('/v1/videos?limit=1')).json();
    expect(first.videos).toHaveLength(1);
    expect(first.nextCursor).toBeTruthy();
    const second = await (await api.request(`/v1/videos?limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.videos).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
    expect(new Set([first.videos[0].id, second.videos[0].id])).toEqual(
      new Set(submitted.videos.filter((v) => v.id).map((v) => v.id)),
    );
    const completed = await (await api.request('/v1/videos?state=completed')).json();
    expect(completed.videos).toEqual([]);
    const queued = await (await api.request('/v1/videos?state=queued')).json();
    expect(queued.videos).toHaveLength(2);
  });

  it('answers the status of several videos in one request with ids, in order; others’ and unknown ids are missing', async () => {
    const [long, , short] = submitted.videos.map((v) => v.id);
    const res = await api.request(`/v1/videos?ids=${short},no-such-video,${long},${short}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.videos.map((v: { id: string }) => v.id)).toEqual([short, long]);
    expect(body.videos[1]).toMatchObject({ state: 'queued', plan: { shardCount: 3 } });
    expect(body.missing).toEqual(['no-such-video']);
    expect(body.nextCursor).toBeUndefined();

    // Another tenant asking for acme's ids sees none of them: each is missing, as a 404 would say.
    const other = await (await api.request(`/v1/videos?ids=${long},${short}`, { key: KEYS.globex })).json();
    expect(other).toEqual({ videos: [], missing: [long, short] });
  });

  it('refuses a bulk status request with a bad id, too many ids, or paging beside ids', async () => {
    const bad = await api.request('/v1/videos?ids=ok-id,../etc');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      statusCode: 400,
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/"\.\.\/etc" is not a video id/),
    });
    const many = Array.from({ length: 101 }, (_, k) => `v${k}`).join(',');
    const tooMany = await api.request(`/v1/videos?ids=${many}`);
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).message).toMatch(/names 101 videos; at most 100/);
    for (const extra of ['limit=5', 'state=queued', 'cursor=abc']) {
      const mixed = await api.request(`/v1/videos?ids=a&${extra}`);
      expect(mixed.status).toBe(400);
      expect((await mixed.json()).message).toBe('ids cannot be combined with limit, cursor or state');
    }
  });
});

describe('auth and tenants', () => {
  it('answers 401 without a key or with a wrong one', async () => {
    const none = await api.request('/v1/videos', { key: null });
    expect(none.status).toBe(401);
    expect((await none.json()).message).toMatch(/Missing API key/);
    const wrong = await api.request('/v1/videos', { key: 'not-a-real-key-at-all' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).message).toBe('Unknown API key');
  });

  it("answers 404 for another tenant's video, and lists none of it", async () => {
    const list = await (await api.request('/v1/videos')).json();
    const id = list.videos[0].id;
    const res = await api.request(`/v1/videos/${id}`, { key: KEYS.globex });
    expect(res.status).toBe(404);
    expect((await api.request(`/v1/videos/${id}`, { method: 'DELETE', key: KEYS.globex })).status).toBe(404);
    expect((await (await api.request('/v1/videos', { key: KEYS.globex })).json()).videos).toEqual([]);
  });

  it('keeps /health and /ready open', async () => {
    expect((await api.request('/health', { key: null })).status).toBe(200);
    const ready = await api.request('/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { redis: true, storage: true, eventLoop: true },
    });
  });

  it('keeps queue operations for admin keys', async () => {
    expect((await api.request('/v1/queues')).status).toBe(403);
    const res = await api.request('/v1/queues', { key: KEYS.admin });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.queues.map((q: { name: string }) => q.name)).toEqual([
      'detect',
      'embed',
      'cluster',
      'finalize',
      'callbacks',
      'identities',
    ]);
    expect(body.queues[0].counts.waiting).toBeGreaterThanOrEqual(4);
    expect((await api.request('/admin/queues', { key: KEYS.acme })).status).toBe(403);
    const board = await api.request('/admin/queues', {
      key: null,
      headers: { authorization: `Basic ${Buffer.from(`ops:${KEYS.admin}`).toString('base64')}` },
    });
    expect(board.status).toBe(200);
    expect(await board.text()).toMatch(/<html/i);
  });
});

describe('Idempotency-Key', () => {
  it('returns the same ids for a retried request and enqueues nothing new', async () => {
    const send = async () =>
      api.request('/v1/videos', {
        method: 'POST',
        headers: { 'idempotency-key': 'retry-me-1' },
        body: await fileForm([{ path: media.short, name: 'short.mp4' }]),
      });
    const first = await send();
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    const jobsAfterFirst = await jobCount();
    const second = await send();
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(firstBody);
    expect(await jobCount()).toBe(jobsAfterFirst);
    // The same key from another tenant is another request.
    const other = await api.request('/v1/videos', {
      method: 'POST',
      key: KEYS.globex,
      headers: { 'idempotency-key': 'retry-me-1' },
      body: await fileForm([{ path: media.short, name: 'short.mp4' }]),
    });
    expect((await other.json()).videos[0].id).not.toBe(firstBody.videos[0].id);
  });
});

describe('DELETE /v1/videos/:id', () => {
  it('cancels the pending jobs and deletes the stored data', async () => {
    const res = await api.request('/v1/videos', {
      method: 'POST',
      body: await fileForm([{ path: media.long, name: 'long.mp4' }]),
    });
    const id = (await res.json()).videos[0].id;
    const del = await api.request(`/v1/videos/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ id, deleted: true, canceledJobs: 8, runningJobs: 0 });
    expect((await api.deps.store.list(videoKeys(id).root)).objects).toEqual([]);
    expect(await api.deps.queues.job(QueueName.detect, jobIds.detect(id, 0))).toBeUndefined();
    expect((await api.request(`/v1/videos/${id}`)).status).toBe(404);
  });
});

describe('GET /metrics', () => {
  it('exposes queue depths, HTTP latency and process metrics in Prometheus format, without a key', async () => {
    await api.request('/v1/videos');
    const res = await api.request('/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    const sample = (name: string, labels: string[]) =>
      text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((x) => l.includes(x)));
    expect(sample('orion_queue_jobs', ['queue="detect"', 'state="waiting"', 'component="api"'])).toMatch(
      / [1-9]\d*$/,
    );
    expect(sample('orion_queue_backlog', ['queue="detect"'])).toMatch(/ [1-9]\d*$/);
    expect(
      sample('orion_http_request_duration_seconds_count', [
        'method="GET"',
        'route="/v1/videos"',
        'status="200"',
      ]),
    ).toMatch(/ [1-9]\d*$/);
    expect(text).toMatch(/orion_process_resident_memory_bytes/);
    expect(text).toMatch(/orion_storage_errors_total/);
  });
});
