import { Worker, type Job } from 'bullmq';
import { QueueName, createRedisConnection } from '@orion/shared';

/**
 * Processors standing in for the detect, embed and cluster workers in tests of the API's side of the
 * flow (fan-in, failure policy, finalize, callbacks, CLI): they return the shape of summary the real
 * workers return, or fail when `fail(job)` says so. The real workers have their own tests.
 */
export function startStandInWorkers(
  api: { redisUrl: string; prefix: string },
  fail: (job: Job) => Promise<boolean> = async () => false,
) {
  const make = (queue: QueueName, result: object) =>
    new Worker(
      queue,
      async (job) => {
        if (await fail(job)) throw new Error('corrupt shard: invalid NAL unit size');
        return result;
      },
      { connection: createRedisConnection(api.redisUrl), prefix: api.prefix },
    );
  const workers = [
    make(QueueName.detect, { frames: 40, detections: 7, executionProvider: 'cpu' }),
    make(QueueName.embed, { crops: 7, executionProvider: 'cpu' }),
    make(QueueName.cluster, { entities: 3 }),
  ];
  return { close: () => Promise.all(workers.map((w) => w.close())) };
}
