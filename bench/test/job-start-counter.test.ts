import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { JobStartCounter } from '../lib/job-start-counter.js';
import { redisConnectionOptions } from '../lib/redis-options.js';

const redisUrl = inject('redisUrl');
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** A queue with a counter listening and a worker whose processor the test chooses. */
async function rig(processor: (job: Job) => Promise<unknown>) {
  const prefix = `bench-test-${randomUUID()}`;
  const connection = redisConnectionOptions(redisUrl);
  const counter = await JobStartCounter.start(redisUrl, prefix, ['detect']);
  const queue = new Queue('detect', { connection, prefix });
  const worker = new Worker('detect', processor, { connection, prefix });
  closers.push(
    () => counter.close(),
    () => queue.obliterate({ force: true }).then(() => queue.close()),
    () => worker.close(),
  );
  const settle = (job: Job) =>
    new Promise<void>((resolve) => {
      const check = async () => {
        const state = await queue.getJobState(job.id!);
        if (state === 'completed' || state === 'failed') resolve();
        else setTimeout(() => void check(), 20);
      };
      void check();
    });
  // Events reach the counter through a stream read: give it a moment after the last job settled.
  const drained = () => new Promise((r) => setTimeout(r, 300));
  return { counter, queue, settle, drained };
}

describe('JobStartCounter (exactly-once check of the benchmark)', () => {
  it('finds nothing wrong when every expected job started and completed once', async () => {
    const { counter, queue, settle, drained } = await rig(async () => 'ok');
    const jobs = await Promise.all([0, 1, 2].map((k) => queue.add('d', {}, { jobId: `v1.detect.${k}` })));
    await Promise.all(jobs.map(settle));
    await drained();
    expect(counter.problems('v1', { detect: ['v1.detect.0', 'v1.detect.1', 'v1.detect.2'] })).toEqual([]);
  });

  it('reports a job run twice, a job never run and a job nobody expected', async () => {
    let tries = 0;
    const { counter, queue, settle, drained } = await rig(async (job) => {
      if (job.id === 'v2.detect.0' && tries++ === 0) throw new Error('first attempt fails');
      return 'ok';
    });
    const a = await queue.add('d', {}, { jobId: 'v2.detect.0', attempts: 2 });
    const b = await queue.add('d', {}, { jobId: 'v2.detect.9' });
    await Promise.all([settle(a), settle(b)]);
    await drained();
    const problems = counter.problems('v2', { detect: ['v2.detect.0', 'v2.detect.1'] });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^detect v2\.detect\.0: started 2×, completed 1×/),
        'detect v2.detect.1: never started',
        'detect v2.detect.9: not expected',
      ]),
    );
    expect(problems).toHaveLength(3);
  });
});
