import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName } from '@orion/shared';
import { verifyCallback } from '../src/workers/callback-signature.js';
import {
  fileForm,
  makeUploadMedia,
  startCallbackReceiver,
  startStandInWorkers,
  type CallbackReceiver,
  type UploadMedia,
} from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

// Stand-in stage processors (`startStandInWorkers` in @orion/testkit) exercise the flow's fan-in, failure policy,
// finalize step and callbacks on real queues.
const FAILING_SHARD = 1;

let api: ApiHarness;
let media: UploadMedia;
let standIns: { close(): Promise<unknown> } | undefined;
let receiver: CallbackReceiver | undefined;

beforeAll(async () => {
  [api, media] = await Promise.all([
    // The receiver below is plain http on loopback: an operator's allowlist lets it through.
    startApi({
      backgroundWorkers: true,
      env: { CALLBACK_ALLOW_HTTP: 'true', CALLBACK_ALLOW_HOSTS: '127.0.0.1' },
    }),
    makeUploadMedia(),
  ]);
  const tagged = async (job: Job, tag: string) =>
    job.queueName === QueueName.detect &&
    job.data.shard.index === FAILING_SHARD &&
    ((await api.deps.videos.get(job.data.videoId))?.tags.includes(tag) ?? false);
  standIns = startStandInWorkers(
    api,
    (job) => tagged(job, 'fail-shard'),
    async (job) => ((await tagged(job, 'short-shard')) ? 10 : undefined),
  );
  // The receiver is down for the first delivery: the callback must be retried.
  receiver = await startCallbackReceiver((nth) => (nth === 1 ? 503 : 204));
});

afterAll(async () => {
  await standIns?.close();
  await api?.close();
  await media?.cleanup();
  await receiver?.close();
});

async function submit(path: string, name: string, fields: Record<string, string> = {}) {
  const res = await api.request('/v1/videos', {
    method: 'POST',
    body: await fileForm([{ path, name }], fields),
  });
  expect(res.status).toBe(202);
  return (await res.json()).videos[0].id as string;
}

async function waitForState(id: string, states: string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await (await api.request(`/v1/videos/${id}`)).json();
    if (states.includes(status.state) && (status.state !== 'completed' || status.percent === 100))
      return status;
    if (Date.now() > deadline) throw new Error(`video ${id} stuck in ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a video whose every shard succeeds', () => {
  it('reaches completed at 100 % with counts, timings and providers per stage', async () => {
    const id = await submit(media.long, 'long.mp4');
    const status = await waitForState(id, ['completed', 'failed']);
    expect(status).toMatchObject({
      state: 'completed',
      stage: 'done',
      percent: 100,
      counts: { frames: 120, expectedFrames: 120, detections: 21, entities: 3 },
      progress: {
        detect: { state: 'done', completed: 3, total: 3, executionProviders: ['cpu'] },
        embed: { state: 'done', completed: 3, total: 3, executionProviders: ['cpu'] },
        cluster: { state: 'done', completed: 1, total: 1 },
      },
    });
    expect(status.progress.detect.wallMs).toBeGreaterThanOrEqual(0);
    expect(status.finishedAt).toBeTruthy();
    expect(status.error).toBeUndefined();
    expect(status.warnings).toBeUndefined();
  });

  it('completes with a warning when a shard decoded fewer frames than planned', async () => {
    const id = await submit(media.long, 'long.mp4', { tags: 'short-shard' });
    const status = await waitForState(id, ['completed', 'failed']);
    expect(status).toMatchObject({ state: 'completed', counts: { frames: 90, expectedFrames: 120 } });
    expect(status.warnings).toEqual([
      {
        code: 'FRAMES_MISSING',
        message: `decoded 90 of the 120 frames planned at ${status.plan.targetFps} fps (25 % missing): the file is damaged or shorter than its header says; entities cover only the decoded parts`,
      },
    ]);
  });
});

describe('a shard that always fails', () => {
  it('leaves the video failed, naming the shard and the reason, never stuck', async () => {
    const id = await submit(media.long, 'long.mp4', { tags: 'fail-shard', callbackUrl: receiver!.url });
    const status = await waitForState(id, ['failed']);
    expect(status.error).toMatchObject({
      stage: 'detect',
      shardIndex: FAILING_SHARD,
      attempts: 3,
      message: 'corrupt shard: invalid NAL unit size',
    });
    expect(status.percent).toBeLessThan(100);
    // Nothing is left waiting for children.
    const counts = await api.deps.queues.queues.cluster.getJobCounts('waiting-children', 'failed');
    expect(counts['waiting-children']).toBe(0);
    const failed = await (
      await api.request('/v1/queues/detect/failed', { key: 'admin-key-0123456789abcdef' })
    ).json();
    expect(failed.jobs).toContainEqual(
      expect.objectContaining({
        videoId: id,
        shardIndex: FAILING_SHARD,
        reason: 'corrupt shard: invalid NAL unit size',
        attempts: 3,
      }),
    );
  });
});

async function callbackFor(id: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const cb = receiver!.accepted.find((c) => JSON.parse(c.body).video.id === id);
    if (cb) return cb;
    if (Date.now() > deadline) throw new Error(`no callback arrived for ${id}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('callbacks', () => {
  it('POSTs the final status, signed with HMAC-SHA256, retrying a receiver that was down', async () => {
    const id = await submit(media.short, 'short.mp4', { callbackUrl: receiver!.url });
    await waitForState(id, ['completed']);
    const cb = await callbackFor(id);
    expect(JSON.parse(cb.body)).toMatchObject({
      event: 'video.completed',
      video: { id, state: 'completed', percent: 100 },
    });
    const timestamp = Number(cb.headers['x-orion-timestamp']);
    expect(
      verifyCallback('test-callback-secret', timestamp, cb.body, String(cb.headers['x-orion-signature'])),
    ).toBe(true);
    expect(verifyCallback('wrong-secret', timestamp, cb.body, String(cb.headers['x-orion-signature']))).toBe(
      false,
    );
  });

  it('tells about failures too', async () => {
    const failedIds = (await (await api.request('/v1/videos?state=failed')).json()).videos.map(
      (v: { id: string }) => v.id,
    );
    expect(failedIds).toHaveLength(1);
    const cb = await callbackFor(failedIds[0]);
    expect(JSON.parse(cb.body)).toMatchObject({
      event: 'video.failed',
      video: { state: 'failed', error: { shardIndex: FAILING_SHARD } },
    });
  });
});
