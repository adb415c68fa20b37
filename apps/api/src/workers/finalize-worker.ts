import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ObjectNotFoundError,
  QueueName,
  createRedisConnection,
  jobIds,
  jobResult,
  parseJobData,
  videoKeys,
  type FinalizeJobData,
  type FinalizeJobResult,
  type Logger,
  type ObjectStore,
  type VideoRecord,
  type VideoRepository,
} from '@orion/shared';
import { readRunRows, type EntityIndex } from '@orion/entity-index';
import { queueIdentities } from '../services/identities-queue.js';
import type { PipelineQueues } from '../services/pipeline-queues.js';
import { readLiveProgress } from '../services/video-progress.js';
import { SWEEP_JOB_NAME, sweepDeletedVideo } from './deleted-video-sweep.js';

export interface FinalizeDeps {
  redisUrl: string;
  /** A shared connection for the sweeps' own Redis commands (the worker opens its own). */
  redis: Redis;
  queues: PipelineQueues;
  videos: VideoRepository;
  store: ObjectStore;
  entityIndex: EntityIndex;
  logger: Logger;
  /** Wait before the tenant's identities are regrouped after a run is indexed (default 10 s). */
  identitiesDebounceMs?: number;
}

/**
 * Records how a video run ended. The flow makes this job run once per attempt at a run, after
 * clustering completed or after any job of the run failed for good, so it is the one place that writes
 * the terminal state and, when asked, queues the signed callback. A retry of a failed video
 * (services/video-retry.ts) adds it again for the same run: the new outcome replaces `failed`.
 */
export async function finalizeVideo(job: Job, deps: FinalizeDeps): Promise<FinalizeJobResult> {
  const data: FinalizeJobData = parseJobData(QueueName.finalize, job.data);
  const record = await deps.videos.get(data.videoId);
  if (!record) {
    // Deleted while in flight: remove whatever running jobs wrote after the deletion.
    await deps.store.deletePrefix(videoKeys(data.videoId).root);
    return { state: 'deleted' };
  }
  if (record.state === 'canceled') return { state: 'canceled' };
  if (data.runId !== record.runId) return finalizeRecluster(job, data, record, deps);

  const live = await readLiveProgress(deps.queues, record);
  const ignored = await job.getIgnoredChildrenFailures();
  const failed = Object.keys(ignored).length > 0 || !!live.failure;
  const failure = failed
    ? (live.failure ?? { stage: 'cluster' as const, message: Object.values(ignored)[0] ?? 'unknown failure' })
    : undefined;

  // The run's rows go into the index before the record says the video is done, so a failed index write
  // fails this job (BullMQ retries it) rather than leaving a completed video that search misses.
  if (!failed) await indexRun(record, record.runId, deps);

  // The error of an earlier attempt is gone on success (a retry moved it into `failures`).
  const updated = await deps.videos.update(record.id, ({ error: _earlier, ...r }): VideoRecord => ({
    ...r,
    state: failed ? 'failed' : 'completed',
    finishedAt: new Date().toISOString(),
    summary: {
      frames: live.frames,
      expectedFrames: live.expectedFrames,
      detections: live.detections,
      entities: live.entities,
      stages: {
        detect: live.stages.detect,
        embed: live.stages.embed,
        cluster: live.stages.cluster,
      },
    },
    ...(failure ? { error: failure } : {}),
  }));
  deps.logger.info({ videoId: record.id, state: updated?.state, error: failure?.message }, 'video finished');

  if (updated?.callbackUrl) {
    await deps.queues.queues[QueueName.callbacks].add(
      'callback',
      {
        videoId: record.id,
        tenantId: record.tenantId,
        url: updated.callbackUrl,
        event: failed ? 'video.failed' : 'video.completed',
      },
      { jobId: jobIds.callback(record.id, record.runId, updated.retries) },
    );
  }
  return { state: updated?.state ?? 'deleted' };
}

/**
 * A recluster run: on success its results become current (the earlier run stays readable until this
 * moment); on failure the video keeps its earlier results and the status says the recluster failed.
 */
async function finalizeRecluster(
  job: Job,
  data: FinalizeJobData,
  record: VideoRecord,
  deps: FinalizeDeps,
): Promise<FinalizeJobResult> {
  const cluster = await deps.queues.job(QueueName.cluster, jobIds.cluster(record.id, data.runId));
  const failures = await job.getIgnoredChildrenFailures();
  const ok = Object.keys(failures).length === 0 && !!cluster?.finishedOn && !cluster.failedReason;
  // The new run's rows replace the earlier run's before the record switches runs (see finalizeVideo).
  if (ok) await indexRun(record, data.runId, deps);
  await deps.videos.update(record.id, (r): VideoRecord => {
    const { pendingRunId: _pending, reclusterError: _old, ...rest } = r;
    if (!ok) {
      return {
        ...rest,
        reclusterError: {
          runId: data.runId,
          message: cluster?.failedReason ?? Object.values(failures)[0] ?? 'unknown failure',
        },
      };
    }
    const run = parseJobData(QueueName.cluster, cluster!.data);
    return {
      ...rest,
      runId: data.runId,
      clustering: run.clustering,
      embedding: run.embedding,
      association: run.association,
      noise: run.noise,
      summary: rest.summary && {
        ...rest.summary,
        entities: jobResult(QueueName.cluster, cluster!).entities,
      },
    };
  });
  deps.logger.info({ videoId: record.id, runId: data.runId, ok }, 'recluster finished');
  return { state: ok ? 'reclustered' : 'recluster-failed' };
}

/** Makes a run's entities the video's rows in the tenant's entity index (replacing any earlier run's). */
async function indexRun(record: VideoRecord, runId: string, deps: FinalizeDeps): Promise<void> {
  let run;
  try {
    run = await readRunRows(deps.store, record, runId);
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
    // A cluster job that stored no results (a stand-in worker): nothing to index, as nothing to read.
    deps.logger.warn({ videoId: record.id, runId, err }, 'run has no stored results to index');
    return;
  }
  await deps.entityIndex.replaceVideo(record.tenantId, record.id, run.rows, { dim: run.dim });
  await queueIdentities(
    deps.queues,
    { tenantId: record.tenantId, reason: 'video-completed' },
    deps.identitiesDebounceMs ?? 10_000,
  );
}

export function startFinalizeWorker(deps: FinalizeDeps): Worker {
  // The finalize queue also carries the sweeps after deletions (deleted-video-sweep.ts).
  const process = (job: Job) =>
    job.name === SWEEP_JOB_NAME ? sweepDeletedVideo(job, deps) : finalizeVideo(job, deps);
  const worker = new Worker(QueueName.finalize, process, {
    connection: createRedisConnection(deps.redisUrl, 'orion-api-finalize'),
    prefix: deps.queues.prefix,
    concurrency: 4,
  });
  worker.on('failed', (job, err) => deps.logger.error({ err, jobId: job?.id }, 'finalize failed'));
  worker.on('error', (err) => deps.logger.error({ err }, 'finalize worker error'));
  return worker;
}
