import { hostname } from 'node:os';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { QueueName, VideoTombstones, WorkerStartupError, type DetectJobData } from '@orion/shared';
import { TestWorkers } from '@orion/testkit';

const processor = new URL('./fixtures/busy-processor.ts', import.meta.url);
const workers = new TestWorkers(inject('redisUrl'), 'run-worker-test');
afterAll(() => workers.close());

/** A job that keeps its thread busy for `tenths` × 100 ms. */
const busy = (tenths: number, tenantId = 'acme'): DetectJobData => ({
  videoId: 'v1',
  tenantId,
  sourceKey: 'videos/v1/source',
  shard: { index: 0, count: 1, startSeconds: 0, endSeconds: 1 },
  targetFps: tenths,
});

function setup(concurrency: number, env: Record<string, string> = {}, lockDuration = 30_000) {
  return workers.start({
    queue: QueueName.detect,
    processor,
    concurrency,
    env: { ORION_MODELS_DIR: '/nowhere/models', ...env },
    workerOptions: { lockDuration, stalledInterval: Math.min(lockDuration, 30_000) },
  });
}

describe('startWorker (BullMQ worker with job threads)', () => {
  it('keeps renewing the lock while a job blocks its thread for longer than the lock', async () => {
    // A 1.5 s lock, checked every 1.5 s, and 3.5 s of blocked event loop: run inline, this job stalls.
    const { queue, stalled, progress, settled } = await setup(1, {}, 1_500);
    const job = await queue.add('busy', busy(35));
    const done = await settled(job.id!);
    expect(done.failedReason).toBeUndefined();
    expect(done.attemptsMade).toBe(1);
    expect(done.returnvalue.finished - done.returnvalue.started).toBeGreaterThanOrEqual(3_500);
    expect(stalled).toEqual([]);
    expect(progress).toEqual([{ stage: 'busy', done: 0, total: 1, percent: 0 }]);
    // The job records which process ran it.
    expect(done.processedBy).toBe(`${hostname()}:${process.pid}`);
  });

  it('runs `concurrency` jobs at once, one per thread, each thread initialised once', async () => {
    const { queue, settled } = await setup(2);
    const [a, b] = await Promise.all([queue.add('busy', busy(8)), queue.add('busy', busy(8))]);
    const [ra, rb] = (await Promise.all([settled(a.id!), settled(b.id!)])).map((j) => j.returnvalue);
    expect(ra.threadId).not.toBe(rb.threadId);
    // The two busy periods overlap in time: they really ran side by side.
    expect(Math.max(ra.started, rb.started)).toBeLessThan(Math.min(ra.finished, rb.finished));
    const c = await settled((await queue.add('busy', busy(1))).id!);
    expect([ra.initialisedAt, rb.initialisedAt]).toContain(c.returnvalue.initialisedAt);
  });

  it('fails a job with the error its processor threw, retried per the job options', async () => {
    const { queue, settled } = await setup(1);
    const job = await queue.add('busy', busy(1, 'fail'), {
      attempts: 2,
      backoff: { type: 'fixed', delay: 20 },
    });
    const done = await settled(job.id!);
    expect(done.failedReason).toBe('the shard is unreadable');
    expect(done.attemptsMade).toBe(2);
  });

  it("fails a deleted video's job for good, without running or retrying it", async () => {
    const { queue, settled } = await setup(1);
    await new VideoTombstones(workers.connection, queue.opts.prefix!).mark('gone');
    const job = await queue.add('busy', { ...busy(1), videoId: 'gone' }, { attempts: 3 });
    const done = await settled(job.id!);
    expect(done.failedReason).toBe('video gone was deleted while this job ran; its outputs were not written');
    expect(done.attemptsMade).toBe(1);
    expect(done.returnvalue).toBeNull();
    // Another video's job on the same worker runs as usual.
    expect((await settled((await queue.add('busy', busy(1))).id!)).failedReason).toBeUndefined();
  });

  it('replaces a thread that dies in the middle of a job', async () => {
    const { queue, settled } = await setup(1);
    const before = await settled((await queue.add('busy', busy(1))).id!);
    const crashed = await settled((await queue.add('busy', busy(1, 'crash'), { attempts: 1 })).id!);
    expect(crashed.failedReason).toMatch(/job thread exited \(code 3\)/);
    const after = await settled((await queue.add('busy', busy(1))).id!);
    expect(after.failedReason).toBeUndefined();
    expect(after.returnvalue.threadId).not.toBe(before.returnvalue.threadId);
  });

  it('refuses to start when a thread cannot initialise, with its reason', async () => {
    const err = await setup(1, { BUSY_INIT_FAIL: '1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerStartupError);
    expect((err as Error).message).toBe('cannot load model from /nowhere/models');
  });

  it('close() lets the running job finish before returning', async () => {
    const { queue, running } = await setup(1);
    const job = await queue.add('busy', busy(10));
    while ((await job.getState()) !== 'active') await new Promise((r) => setTimeout(r, 20));
    await running.close();
    const done = (await queue.getJob(job.id!))!;
    expect(await done.getState()).toBe('completed');
  });
});
