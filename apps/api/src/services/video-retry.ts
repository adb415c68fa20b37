import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  videoFlowOf,
  parseJobData,
  type PastFailure,
  type PipelineStage,
  type VideoRecord,
  type VideoRepository,
} from '@orion/shared';
import { HttpError } from '../errors.js';
import type { PipelineQueues } from './pipeline-queues.js';
import { isFailed, ownFailure, readRunJobs, type RunJobs } from './run-jobs.js';

export interface VideoRetryDeps {
  /** For the retry's lock. */
  redis: Redis;
  queues: PipelineQueues;
  videos: VideoRepository;
}

/** One retry of a video at a time; long enough for the removals and the flow add. */
const RETRY_LOCK_MS = 30_000;

/**
 * Retrying a failed video re-opens its flow so that cluster and finalize run again.
 *
 * BullMQ has no built-in for this: `job.retry()` of a failed child puts it back in its parent's
 * dependencies but leaves a parent that already failed (`failParentOnFailure`) failed — its Lua says so —
 * and finalize has already run, and nothing public moves a failed parent back to waiting-children. So
 * the retry removes the run's failed jobs, its cluster and its finalize (never its completed shards) and
 * adds the same flow again: ids are deterministic, so the completed jobs are found as duplicates and
 * count as processed children with their results, and only the failed shards, cluster and finalize run.
 * Jobs of the run still in progress keep going; BullMQ attaches them to the new cluster job.
 */
export async function retryVideo(videoId: string, deps: VideoRetryDeps): Promise<VideoRecord> {
  const { redis, queues, videos } = deps;
  const lockKey = `${queues.prefix}:video:${videoId}:retry`;
  if ((await redis.set(lockKey, '1', 'PX', RETRY_LOCK_MS, 'NX')) !== 'OK') {
    throw new HttpError(409, 'RETRY_IN_PROGRESS', `Video ${videoId} is being retried already`);
  }
  try {
    const record = await videos.get(videoId);
    if (!record) throw new HttpError(404, 'NOT_FOUND', `No video ${videoId}`);
    if (record.state !== 'failed') {
      throw new HttpError(
        409,
        'NOT_FAILED',
        `Video ${videoId} is ${record.state}: only failed videos can be retried`,
      );
    }
    const run = await readRunJobs(queues, record);
    if (run.finalize && !run.finalize.finishedOn) {
      throw new HttpError(409, 'RETRY_IN_PROGRESS', `Video ${videoId} is still recording its outcome`);
    }
    const updated = await videos.update(
      videoId,
      ({ error: _e, finishedAt: _f, summary: _s, ...r }): VideoRecord => ({
        ...r,
        state: 'queued',
        retries: (r.retries ?? 0) + 1,
        failures: [...(r.failures ?? []), ...pastFailures(run, record)],
      }),
    );
    if (!updated) throw new HttpError(404, 'NOT_FOUND', `No video ${videoId}`);
    try {
      await reopenFlow(run, record, queues);
    } catch (err) {
      // Nothing half-done: the video stays failed (as it was) and can be retried again.
      await videos.update(videoId, () => record);
      throw err;
    }
    return updated;
  } finally {
    await redis.del(lockKey);
  }
}

/** The run's own failures (not parents failed in turn), or the recorded error once the jobs are cleaned. */
function pastFailures(run: RunJobs, record: VideoRecord): PastFailure[] {
  const stages: [PipelineStage, (Job | undefined)[]][] = [
    ['detect', run.detect],
    ['embed', run.embed],
    ['cluster', [run.cluster]],
  ];
  const found = stages.flatMap(([stage, jobs]) =>
    jobs.filter(ownFailure).map((job): PastFailure => ({
      at: new Date(job.finishedOn!).toISOString(),
      stage,
      ...(stage === 'cluster' ? {} : { shardIndex: parseJobData(stage, job.data).shard.index }),
      jobId: String(job.id),
      attempts: job.attemptsMade,
      message: job.failedReason,
    })),
  );
  if (found.length > 0) return found.sort((a, b) => a.at.localeCompare(b.at));
  const error = record.error;
  return error ? [{ at: record.finishedAt ?? record.updatedAt, ...error }] : [];
}

/**
 * Removes finalize, cluster and each failed shard's jobs, parents first (a parent removed later would
 * be released by its last child's removal), keeping children (`removeChildren: false`), then adds the
 * run's flow again. A job still locked by a worker makes `remove` throw: the caller undoes and answers.
 */
async function reopenFlow(run: RunJobs, record: VideoRecord, queues: PipelineQueues): Promise<void> {
  await removeKeepingChildren(run.finalize);
  await removeKeepingChildren(run.cluster);
  for (let k = 0; k < record.plan.shardCount; k++) {
    const detect = run.detect[k];
    const embed = run.embed[k];
    if (!isFailed(detect) && !isFailed(embed)) continue;
    await removeKeepingChildren(embed);
    if (isFailed(detect)) await removeKeepingChildren(detect);
  }
  await queues.flows.add(videoFlowOf(record, queues.prefix));
}

async function removeKeepingChildren(job: Job | undefined): Promise<void> {
  try {
    await job?.remove({ removeChildren: false });
  } catch (err) {
    if (!(err instanceof Error) || !err.message.includes('locked')) throw err;
    throw new HttpError(
      409,
      'JOB_BUSY',
      `Job ${job!.id} is being processed: retry the video once it has finished`,
    );
  }
}
