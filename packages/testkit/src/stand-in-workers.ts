import { Worker, type Job } from 'bullmq';
import {
  QueueName,
  createRedisConnection,
  parseJobData,
  videoKeys,
  type JobResultByQueue,
} from '@orion/shared';

const noTime = { totalMs: 0, preprocessMs: 0, inferenceMs: 0, storeMs: 0 };

function shardOf(queue: typeof QueueName.detect | typeof QueueName.embed, job: Job) {
  const { videoId, shard } = parseJobData(queue, job.data);
  const keys = videoKeys(videoId).shard(shard.index);
  // What every stand-in shard result says alike: whose it is, and what "ran" it.
  const common = { videoId, shardIndex: shard.index, model: 'stand-in', executionProvider: 'cpu' as const };
  return { common, keys };
}

/** Results of the contract's shape (results.ts) with made-up counts: 40 frames, 7 detections, 3 entities. */
const results = {
  detect(job: Job, frames = 40): JobResultByQueue['detect'] {
    const { common, keys } = shardOf(QueueName.detect, job);
    return {
      ...common,
      frames,
      expectedFrames: 40,
      detections: 7,
      inferenceRuns: 0,
      timings: { ...noTime, decodeWaitMs: 0, postprocessMs: 0, cropsMs: 0 },
      keys: { detections: keys.detections, crops: keys.crops, cropsIndex: keys.cropsIndex },
    };
  },
  embed(job: Job): JobResultByQueue['embed'] {
    const { common, keys } = shardOf(QueueName.embed, job);
    return {
      ...common,
      count: 7,
      dim: 4,
      backend: 'vision',
      multimodal: false,
      verification: null,
      timings: { ...noTime, readMs: 0, textMs: 0 },
      cropsPerSecond: 0,
      keys: { embeddings: keys.embeddings, embeddingsIndex: keys.embeddingsIndex },
    };
  },
  cluster(job: Job): JobResultByQueue['cluster'] {
    const { runId } = parseJobData(QueueName.cluster, job.data);
    return {
      runId,
      observations: 21,
      tracklets: 3,
      entities: 3,
      unassigned: 0,
      flaggedObservations: 0,
      likelyFalsePositives: 0,
      timings: {},
      executionProvider: 'cpu',
    };
  },
};

/**
 * Processors standing in for the detect, embed and cluster workers in tests of the API's side of the
 * flow (fan-in, failure policy, finalize, callbacks, CLI): they return results of the contract's shape,
 * or fail when `fail(job)` says so; a detect job decodes `framesOf(job)` of its 40 frames (all by
 * default); `beforeCluster(job)` may store a run's results first (entities.json, centroids.bin) for
 * tests of what reads them. The real workers have their own tests.
 */
export function startStandInWorkers(
  api: { redisUrl: string; prefix: string },
  fail: (job: Job) => Promise<boolean> = async () => false,
  framesOf: (job: Job) => Promise<number | undefined> = async () => undefined,
  beforeCluster: (job: Job) => Promise<void> = async () => undefined,
) {
  const make = (queue: keyof typeof results) =>
    new Worker(
      queue,
      async (job) => {
        if (await fail(job)) throw new Error('corrupt shard: invalid NAL unit size');
        if (queue === QueueName.cluster) await beforeCluster(job);
        return queue === QueueName.detect ? results.detect(job, await framesOf(job)) : results[queue](job);
      },
      { connection: createRedisConnection(api.redisUrl), prefix: api.prefix },
    );
  const workers = [make(QueueName.detect), make(QueueName.embed), make(QueueName.cluster)];
  return { close: () => Promise.all(workers.map((w) => w.close())) };
}
