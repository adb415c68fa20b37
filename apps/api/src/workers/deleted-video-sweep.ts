import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { QueueName, jobIds, runIdSchema, videoIdSchema, videoKeys, type ObjectStore } from '@orion/shared';
import type { EntityIndex } from '@orion/entity-index';
import type { PipelineQueues } from '../services/pipeline-queues.js';

/*
 * The sweep after a video's deletion. Jobs running at the time of the DELETE cannot be removed; they
 * stop at their next write (the tombstone, packages/shared/src/videos/video-tombstone.ts), but one may
 * still have written between its check and the deletion. The sweep is a delayed job on the finalize
 * queue (the API process runs it, whether or not the video's own finalize ever runs): it removes the
 * video's jobs and, once none of them is running any more, its stored data. While a job still runs it
 * fails and BullMQ tries again later, a bounded number of times.
 */

export const SWEEP_JOB_NAME = 'sweep deleted video';

/** First sweep a few seconds after the DELETE; then 5 s, 10 s, … doubling: 10 tries span about 1.5 h. */
const SWEEP_DELAY_MS = 5_000;
const SWEEP_ATTEMPTS = 10;

const sweepJobSchema = z
  .object({
    videoId: videoIdSchema,
    /** Whose entity table holds the video's rows (absent in sweeps queued before the index existed). */
    tenantId: z.string().optional(),
    shardCount: z.number().int().min(0),
    runIds: z.array(runIdSchema).min(1),
  })
  .strict();

export type SweepJobData = z.infer<typeof sweepJobSchema>;

/** Every job a video may have, by its deterministic id, for the runs named. */
export function videoJobIds({ videoId, shardCount, runIds }: SweepJobData): [QueueName, string][] {
  return [
    ...runIds.flatMap((runId): [QueueName, string][] => [
      [QueueName.callbacks, jobIds.callback(videoId, runId)],
      [QueueName.finalize, jobIds.finalize(videoId, runId)],
      [QueueName.cluster, jobIds.cluster(videoId, runId)],
    ]),
    ...Array.from({ length: shardCount }, (_, k): [QueueName, string][] => [
      [QueueName.embed, jobIds.embed(videoId, k)],
      [QueueName.detect, jobIds.detect(videoId, k)],
    ]).flat(),
  ];
}

/**
 * Removes each job that is not running; returns how many were removed and how many still run (a
 * running job holds its lock, so BullMQ refuses to remove it).
 */
export async function removeVideoJobs(
  queues: PipelineQueues,
  data: SweepJobData,
): Promise<{ removed: number; running: number }> {
  let removed = 0;
  let running = 0;
  for (const [queue, id] of videoJobIds(data)) {
    if (!(await queues.job(queue, id))) continue;
    // removeChildren: false — every job of the video is in the list; removing one at a time lets a
    // locked (running) job fail its own removal without blocking the others.
    const ok = await queues.queues[queue].remove(id, { removeChildren: false }).catch(() => 0);
    if (ok) removed++;
    else running++;
  }
  return { removed, running };
}

export function scheduleSweep(queues: PipelineQueues, data: SweepJobData): Promise<unknown> {
  return queues.queues[QueueName.finalize].add(SWEEP_JOB_NAME, data, {
    jobId: jobIds.sweep(data.videoId),
    delay: SWEEP_DELAY_MS,
    attempts: SWEEP_ATTEMPTS,
    backoff: { type: 'exponential', delay: SWEEP_DELAY_MS },
    // The sweep leaves no key of the video behind, its own included.
    removeOnComplete: true,
  });
}

const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

/**
 * Deletes whatever job keys of the video BullMQ's removal left, e.g. those of a job that only existed
 * as a parent reference, or of a run the record no longer named. Job ids are `<videoId>.<stage>…` and video ids hold no `.`, so the
 * pattern matches this video's job keys only.
 */
async function deleteLeftoverJobKeys(redis: Redis, prefix: string, videoId: string): Promise<number> {
  const match = `${globEscape(prefix)}:*:${videoId}.*`;
  const own = `${prefix}:${QueueName.finalize}:${jobIds.sweep(videoId)}`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    // The sweep's own keys stay: BullMQ removes them when it completes (removeOnComplete).
    const keys = found.filter((k) => !k.startsWith(own));
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

export interface SweepDeps {
  queues: PipelineQueues;
  store: ObjectStore;
  entityIndex: EntityIndex;
  /** The API's Redis, on the queues' prefix. */
  redis: Redis;
}

export async function sweepDeletedVideo(
  job: Job,
  deps: SweepDeps,
): Promise<{ state: 'swept'; removedJobs: number; removedKeys: number; removedObjects: number }> {
  const data = sweepJobSchema.parse(job.data);
  const { removed, running } = await removeVideoJobs(deps.queues, data);
  if (running > 0) {
    throw new Error(`${running} job(s) of deleted video ${data.videoId} still running; sweeping again later`);
  }
  const removedKeys = await deleteLeftoverJobKeys(deps.redis, deps.queues.prefix, data.videoId);
  const removedObjects = await deps.store.deletePrefix(videoKeys(data.videoId).root);
  // A finalize that read the record just before the DELETE may have written rows after it.
  if (data.tenantId) await deps.entityIndex.deleteVideo(data.tenantId, data.videoId);
  return { state: 'swept', removedJobs: removed, removedKeys, removedObjects };
}
