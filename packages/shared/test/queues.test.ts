import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  InvalidJobDataError,
  QueueName,
  createQueue,
  createRedisConnection,
  parseJobData,
  videoKeys,
  type DetectJobData,
} from '@orion/shared';

const detectJob: DetectJobData = {
  videoId: 'vid_01',
  tenantId: 'acme',
  sourceKey: videoKeys('vid_01').source,
  shard: { index: 1, count: 3, startSeconds: 10, endSeconds: 20 },
  targetFps: 4,
};

describe('job payload contracts', () => {
  it('accepts a valid detect job', () => {
    expect(parseJobData(QueueName.detect, detectJob)).toEqual(detectJob);
  });

  it('names the offending field', () => {
    expect(() => parseJobData(QueueName.detect, { ...detectJob, targetFps: 0 })).toThrowError(/targetFps/);
    expect(() => parseJobData(QueueName.detect, { ...detectJob, videoId: '../x' })).toThrowError(
      /videoId: must be 1–64 letters/,
    );
    expect(() =>
      parseJobData(QueueName.detect, { ...detectJob, shard: { ...detectJob.shard, endSeconds: 5 } }),
    ).toThrowError(/shard: endSeconds must be after startSeconds/);
    expect(() => parseJobData(QueueName.embed, { videoId: 'v', tenantId: 't' })).toThrowError(
      InvalidJobDataError,
    );
  });

  it('refuses payload data smuggled into a job (unknown fields)', () => {
    expect(() => parseJobData(QueueName.detect, { ...detectJob, frames: [[1, 2, 3]] })).toThrowError(
      /frames/,
    );
  });
});

describe('storage layout', () => {
  it('keeps every key of a video under its prefix, shards in listing order', () => {
    const keys = videoKeys('abc');
    expect(keys.source).toBe('videos/abc/source');
    expect(keys.shard(2).detections).toBe('videos/abc/shards/00002/detections.json');
    expect(keys.shard(10).root > keys.shard(9).root).toBe(true);
    expect(keys.run('r1').entities).toBe('videos/abc/results/r1/entities.json');
    for (const key of [keys.manifest, keys.shard(0).crops, keys.run('r1').centroids]) {
      expect(key.startsWith(keys.root)).toBe(true);
    }
  });

  it('refuses ids that could escape the layout', () => {
    expect(() => videoKeys('../etc')).toThrowError(/Invalid video id/);
    expect(() => videoKeys('a/b')).toThrowError(/Invalid video id/);
    expect(() => videoKeys('ok').shard(-1)).toThrowError(/Invalid shard index/);
  });
});

describe('BullMQ on a real Redis', () => {
  const connection = createRedisConnection(inject('redisUrl'), 'orion-test');
  const prefix = `test-${randomUUID()}`;
  afterAll(async () => {
    await connection.quit();
  });

  it('round-trips a job with the queue defaults through a worker', async () => {
    const queue = createQueue(QueueName.detect, { connection, prefix });
    const received = new Promise<DetectJobData>((resolve, reject) => {
      const worker = new Worker(
        QueueName.detect,
        async (job) => {
          resolve(parseJobData(QueueName.detect, job.data));
          return { ok: true };
        },
        { connection: createRedisConnection(inject('redisUrl')), prefix },
      );
      worker.on('failed', (_job, err) => reject(err));
      afterAll(() => worker.close());
    });
    const job = await queue.add('shard-1', detectJob);
    expect(job.opts.attempts).toBe(3);
    expect(await received).toEqual(detectJob);
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('uses a connection that BullMQ workers accept (maxRetriesPerRequest: null)', () => {
    expect(connection.options.maxRetriesPerRequest).toBeNull();
  });
});
