import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIds } from '@orion/shared';
import {
  TEST_API_KEYS as KEYS,
  fileForm,
  makeUploadMedia,
  startCallbackReceiver,
  startStandInWorkers,
  type CallbackReceiver,
  type UploadMedia,
} from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

// A shard's job fails (every attempt) while its video is "broken" — a tag naming the stage — and not yet
// restored; the test restores it, retries, and the stand-in workers finish the video on real queues.
const BROKEN_SHARD = 1;
const MESSAGE = 'corrupt shard: invalid NAL unit size';

let api: ApiHarness;
let media: UploadMedia;
let standIns: { close(): Promise<unknown> } | undefined;
const restored = new Set<string>();
/** Every attempt the stand-ins made, by job id. */
const attempts = new Map<string, number>();
let receiver: CallbackReceiver | undefined;

beforeAll(async () => {
  [api, media] = await Promise.all([
    startApi({
      backgroundWorkers: true,
      env: { CALLBACK_ALLOW_HTTP: 'true', CALLBACK_ALLOW_HOSTS: '127.0.0.1' },
    }),
    makeUploadMedia(),
  ]);
  standIns = startStandInWorkers(api, async (job) => {
    attempts.set(String(job.id), (attempts.get(String(job.id)) ?? 0) + 1);
    const { videoId, shard } = job.data as { videoId: string; shard?: { index: number } };
    if (shard?.index !== BROKEN_SHARD || restored.has(videoId)) return false;
    return (await api.deps.videos.get(videoId))?.tags.includes(`break-${job.queueName}`) ?? false;
  });
  receiver = await startCallbackReceiver();
});

afterAll(async () => {
  await standIns?.close();
  await api?.close();
  await media?.cleanup();
  await receiver?.close();
});

async function submit(fields: Record<string, string>) {
  const res = await api.request('/v1/videos', {
    method: 'POST',
    body: await fileForm([{ path: media.long, name: 'long.mp4' }], fields),
  });
  expect(res.status).toBe(202);
  return (await res.json()).videos[0].id as string;
}

async function waitForState(id: string, state: 'completed' | 'failed', timeoutMs = 40_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await (await api.request(`/v1/videos/${id}`)).json();
    // Finished means recorded by finalize (finishedAt): a live failure shows before that, and a retry
    // then answers 409 "still recording its outcome".
    if (status.state === state && status.finishedAt && (state === 'failed' || status.percent === 100))
      return status;
    if (Date.now() > deadline) throw new Error(`video ${id} not ${state}: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function callbacksFor(id: string, count: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mine = receiver!.accepted.filter((c) => JSON.parse(c.body).video.id === id);
    if (mine.length >= count) return mine;
    if (Date.now() > deadline) throw new Error(`${mine.length} of ${count} callbacks arrived for ${id}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const admin = { method: 'POST', key: KEYS.admin } as const;

describe('POST /v1/videos/:id/retry', () => {
  it('finishes a video whose shard failed, once its input is back, keeping the failure in the history', async () => {
    const id = await submit({ tags: 'break-detect', callbackUrl: receiver!.url });
    const failed = await waitForState(id, 'failed');
    expect(failed.error).toMatchObject({ stage: 'detect', shardIndex: BROKEN_SHARD, attempts: 3 });

    // Another tenant's id answers as an unknown one, and touches nothing.
    const foreign = await api.request(`/v1/videos/${id}/retry`, { method: 'POST', key: KEYS.globex });
    expect(foreign.status).toBe(404);
    expect((await (await api.request(`/v1/videos/${id}`)).json()).state).toBe('failed');

    restored.add(id);
    const res = await api.request(`/v1/videos/${id}/retry`, { method: 'POST' });
    expect(res.status).toBe(202);
    const accepted = await res.json();
    expect(['queued', 'processing']).toContain(accepted.state);
    expect(accepted.error).toBeUndefined();
    expect(accepted.retries).toBe(1);

    const done = await waitForState(id, 'completed');
    expect(done).toMatchObject({
      state: 'completed',
      percent: 100,
      counts: { frames: 120, detections: 21, entities: 3 },
      progress: { cluster: { state: 'done', completed: 1, total: 1 } },
      retries: 1,
      failures: [
        {
          stage: 'detect',
          shardIndex: BROKEN_SHARD,
          jobId: jobIds.detect(id, BROKEN_SHARD),
          attempts: 3,
          message: MESSAGE,
        },
      ],
    });
    expect(Date.parse(done.failures[0].at)).toBeLessThanOrEqual(Date.parse(done.finishedAt));
    expect(done.error).toBeUndefined();
    // Only the broken shard ran again: the others' results were kept.
    expect(attempts.get(jobIds.detect(id, 0))).toBe(1);
    expect(attempts.get(jobIds.embed(id, 2))).toBe(1);
    expect(attempts.get(jobIds.detect(id, BROKEN_SHARD))).toBe(4);

    // The receiver hears both outcomes, under distinct delivery ids (it may dedupe on them).
    const [first, second] = await callbacksFor(id, 2);
    expect(JSON.parse(first!.body)).toMatchObject({ event: 'video.failed' });
    expect(JSON.parse(second!.body)).toMatchObject({
      event: 'video.completed',
      video: { state: 'completed', failures: [{ stage: 'detect' }] },
    });
    expect(first!.headers['x-orion-delivery']).not.toBe(second!.headers['x-orion-delivery']);

    const again = await api.request(`/v1/videos/${id}/retry`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ statusCode: 409, code: 'NOT_FAILED' });
  });
});

describe('POST /v1/queues/:name/jobs/:jobId/retry on a job of a failed video', () => {
  it('retrying the failed embed job re-opens the flow: cluster and finalize run again', async () => {
    const id = await submit({ tags: 'break-embed' });
    expect((await waitForState(id, 'failed')).error).toMatchObject({ stage: 'embed', shardIndex: 1 });
    const list = await (await api.request('/v1/queues/embed/failed', { key: KEYS.admin })).json();
    const job = list.jobs.find((j: { videoId: string; reason: string }) => j.videoId === id);
    expect(job).toMatchObject({ shardIndex: BROKEN_SHARD, reason: MESSAGE });

    restored.add(id);
    const res = await api.request(`/v1/queues/embed/jobs/${job.id}/retry`, admin);
    expect(res.status).toBe(202);
    const done = await waitForState(id, 'completed');
    expect(done.counts.entities).toBe(3);
    expect(done.failures).toEqual([expect.objectContaining({ stage: 'embed', shardIndex: BROKEN_SHARD })]);
    // The failed job is no longer listed as failed.
    const after = await (await api.request('/v1/queues/embed/failed', { key: KEYS.admin })).json();
    expect(after.jobs.filter((j: { videoId: string }) => j.videoId === id)).toEqual([]);
  });

  it('retrying its finalize job does the same instead of answering 400, once when asked twice at once', async () => {
    const id = await submit({ tags: 'break-detect' });
    await waitForState(id, 'failed');
    restored.add(id);
    const [byJob, byVideo] = await Promise.all([
      api.request(`/v1/queues/finalize/jobs/${jobIds.finalize(id, 'r1')}/retry`, admin),
      api.request(`/v1/videos/${id}/retry`, { method: 'POST' }),
    ]);
    expect([byJob.status, byVideo.status].sort()).toEqual([202, 409]);
    const refused = byJob.status === 409 ? byJob : byVideo;
    // The loser met the retry in progress, the video already retried, or (by job) its run in flight again.
    expect(['RETRY_IN_PROGRESS', 'NOT_FAILED', 'VIDEO_IN_FLIGHT']).toContain((await refused.json()).code);
    const done = await waitForState(id, 'completed');
    expect(done).toMatchObject({ retries: 1, failures: [{ stage: 'detect', shardIndex: BROKEN_SHARD }] });
    expect(done.error).toBeUndefined();
  });

  it('a completed job of a completed video is still refused as not failed', async () => {
    const id = await submit({});
    await waitForState(id, 'completed');
    const res = await api.request(`/v1/queues/detect/jobs/${jobIds.detect(id, 0)}/retry`, admin);
    expect(res.status).toBe(400);
  });
});
