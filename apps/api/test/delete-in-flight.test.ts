import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  QueueName,
  createLogger,
  createRedisConnection,
  jobIds,
  startWorker,
  tombstoneKey,
  videoKeys,
  type RunningWorker,
} from '@orion/shared';
import { fileForm, makeUploadMedia, workerTestEnv, type UploadMedia } from '@orion/testkit';
import { startApi, type ApiHarness } from './harness.js';

// DELETE while a shard is being detected: the API (with its finalize worker, which runs the sweep)
// and the real detect worker (YOLOX-Nano job threads, ffmpeg) on the same Redis, queue prefix and
// store folder. No embed worker: the video never gets past detection, so the deletion always meets a
// running detect job.

let api: ApiHarness;
let media: UploadMedia;
let dir: string;
let detect: RunningWorker;
const connection = createRedisConnection(inject('redisUrl'), 'delete-in-flight-test');
const started: string[] = [];
const progressed = new Set<string>();
const failed: { id: string; reason: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orion-delete-'));
  const storageUrl = `file://${join(dir, 'data')}`;
  [api, media] = await Promise.all([
    startApi({ backgroundWorkers: true, env: { STORAGE_URL: storageUrl } }),
    makeUploadMedia(),
  ]);
  detect = await startWorker({
    queue: QueueName.detect,
    processor: new URL('../../detect-worker/src/processor.ts', import.meta.url),
    concurrency: 1,
    connection,
    prefix: api.prefix,
    logger: createLogger({ name: 'delete-in-flight-test', level: 'silent' }),
    env: workerTestEnv({ redisUrl: inject('redisUrl'), s3: inject('s3') }, { STORAGE_URL: storageUrl }),
  });
  detect.worker.on('active', (job) => started.push(job.id!));
  detect.worker.on('progress', (job) => progressed.add(job.id!));
  detect.worker.on('failed', (job, err) => failed.push({ id: job!.id!, reason: err.message }));
});

afterAll(async () => {
  await detect?.close();
  await api?.close();
  await connection.quit();
  await media?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Polls `check` every 100 ms until it returns a value, for at most `seconds`. */
async function waitFor<T>(what: string, seconds: number, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < seconds * 10; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

/**
 * Submits the long video in two shards, deletes it once its first detect job has started (and, with
 * `midShard`, reported progress: ffmpeg has the source open and frames are being detected), and checks
 * what the deletion and its sweep leave.
 */
async function deleteWhileDetecting(midShard: boolean) {
  // 25 s at 10 fps in two shards: each detect job decodes and detects 125 frames (seconds on a CPU).
  const res = await api.request('/v1/videos', {
    method: 'POST',
    body: await fileForm([{ path: media.long, name: 'long.mp4' }], { shardSeconds: '12.5', targetFps: '10' }),
  });
  expect(res.status).toBe(202);
  const id: string = (await res.json()).videos[0].id;
  const detect0 = jobIds.detect(id, 0);
  await waitFor(
    'the first detect job to start',
    60,
    async () => (midShard ? progressed.has(detect0) : started.includes(detect0)) || undefined,
  );

  const del = await api.request(`/v1/videos/${id}`, { method: 'DELETE' });
  expect(del.status).toBe(200);
  // Two shards: finalize, cluster, two embed jobs and the second detect job are canceled. A job that
  // has only just started may already have failed on the tombstone when its turn to be removed comes.
  const body = await del.json();
  expect(body).toEqual({
    id,
    deleted: true,
    canceledJobs: expect.any(Number),
    runningJobs: expect.any(Number),
  });
  expect(body.canceledJobs + body.runningJobs).toBe(6);
  if (midShard) expect(body.runningJobs).toBe(1);

  // The running job fails for good (whether it reached its write or lost its source first) and wrote
  // nothing.
  const failure = await waitFor('the running job to stop', 30, async () =>
    failed.find((f) => f.id === detect0),
  );
  expect(failure.reason).toMatch(new RegExp(`video ${id} was deleted while this job ran`));
  expect((await api.deps.store.list(videoKeys(id).root)).objects).toEqual([]);

  // The sweep (first run 5 s after the DELETE) removes the job and then itself.
  const sweep = jobIds.sweep(id);
  await waitFor('the sweep to finish', 60, async () => {
    const state = await api.deps.queues.queues[QueueName.finalize].getJobState(sweep);
    return state === 'unknown' || undefined;
  });
  expect((await api.deps.store.list(videoKeys(id).root)).objects).toEqual([]);
  // Of all the video's keys in Redis, only the tombstone (which expires after a day) is left.
  expect(await connection.keys(`${api.prefix}:*${id}*`)).toEqual([tombstoneKey(api.prefix, id)]);
  // Each job that started ran once (no retry) and failed as deleted. Mid-shard that is the first detect
  // job alone; deleted as it starts, the worker may take the second one before the DELETE removes it,
  // and that one fails on the tombstone at once.
  const ran = started.filter((j) => j.startsWith(`${id}.`));
  if (midShard) expect(ran).toEqual([detect0]);
  expect(ran).toContain(detect0);
  expect(new Set(ran).size).toBe(ran.length);
  const fails = failed.filter((f) => f.id.startsWith(`${id}.`));
  expect(fails.map((f) => f.id).sort()).toEqual([...ran].sort());
  for (const f of fails) expect(f.reason).toMatch(new RegExp(`video ${id} was deleted while this job ran`));
}

describe('DELETE /v1/videos/:id while a shard is being detected', () => {
  it(
    'mid-shard: the running job stops at its write, is not retried, and the sweep leaves nothing',
    () => deleteWhileDetecting(true),
    120_000,
  );

  it(
    'as the job starts: the job fails for good as deleted (not as a decode error to retry)',
    () => deleteWhileDetecting(false),
    120_000,
  );
});
