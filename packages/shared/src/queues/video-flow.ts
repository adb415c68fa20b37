import type { FlowJob } from 'bullmq';
import { DEFAULT_JOB_OPTIONS } from './connection.js';
import { QueueName } from './names.js';
import { planShards } from '../media/shard-plan.js';
import type { VideoRecord } from '../videos/video-record.js';
import type { ClusterJobData, FinalizeJobData, RunSettings, ShardSpan } from './payloads.js';

/**
 * Job ids are deterministic, so a video's jobs can be found (status, cancel) without bookkeeping and
 * adding the same flow twice is a no-op. BullMQ forbids `:` in custom ids; video ids cannot hold `.`.
 */
export const jobIds = {
  detect: (videoId: string, shard: number) => `${videoId}.detect.${shard}`,
  embed: (videoId: string, shard: number) => `${videoId}.embed.${shard}`,
  cluster: (videoId: string, runId: string) => `${videoId}.cluster.${runId}`,
  finalize: (videoId: string, runId: string) => `${videoId}.finalize.${runId}`,
  /**
   * A retried run tells its new outcome under a new id: receivers dedupe on it (`X-Orion-Delivery`), and
   * the first outcome's job may still be delivering.
   */
  callback: (videoId: string, runId: string, retry = 0) =>
    `${videoId}.callback.${runId}${retry ? `.retry${retry}` : ''}`,
  /** The sweep after a deletion (apps/api), one per video. */
  sweep: (videoId: string) => `${videoId}.sweep`,
};

export interface VideoFlowInput extends RunSettings {
  videoId: string;
  tenantId: string;
  sourceKey: string;
  shards: ShardSpan[];
  targetFps: number;
  runId: string;
  prefix: string;
}

/**
 * The flow of one video:
 *
 *   finalize ◀── cluster ◀── embed[k] ◀── detect[k]   (k = 0 … n-1)
 *
 * A parent runs only when all its children are done, so clustering waits for every shard. Failure
 * policy: a detect or embed job that fails after its retries fails its parent (`failParentOnFailure`),
 * up to cluster, so no job waits for children forever; cluster's failure is *ignored* by finalize
 * (`ignoreDependencyOnFailure`), which therefore always runs once and records `completed` or `failed`
 * with the failing shard and reason. Retrying a failed video adds this flow again with the same ids
 * (apps/api services/video-retry.ts): completed jobs count as done, the rest run again.
 */
export function buildVideoFlow(input: VideoFlowInput): FlowJob {
  const { videoId, tenantId, prefix } = input;
  const shardJobs: FlowJob[] = input.shards.map((shard) => ({
    name: `embed shard ${shard.index}`,
    queueName: QueueName.embed,
    prefix,
    data: { videoId, tenantId, shard },
    opts: {
      ...DEFAULT_JOB_OPTIONS.embed,
      jobId: jobIds.embed(videoId, shard.index),
      failParentOnFailure: true,
    },
    children: [
      {
        name: `detect shard ${shard.index}`,
        queueName: QueueName.detect,
        prefix,
        data: { videoId, tenantId, sourceKey: input.sourceKey, shard, targetFps: input.targetFps },
        opts: {
          ...DEFAULT_JOB_OPTIONS.detect,
          jobId: jobIds.detect(videoId, shard.index),
          failParentOnFailure: true,
        },
      },
    ],
  }));
  return runFlow(
    { ...input, shardCount: input.shards.length },
    { finalize: 'finalize video', cluster: 'cluster video' },
    shardJobs,
  );
}

/** A new clustering run on stored detections and embeddings: finalize ◀── cluster, nothing else. */
export function buildReclusterFlow(input: RunInput): FlowJob {
  return runFlow(input, { finalize: 'finalize recluster', cluster: 'recluster video' });
}

type RunInput = Omit<VideoFlowInput, 'shards' | 'sourceKey' | 'targetFps'> & { shardCount: number };

/** finalize ◀── cluster (◀── the shards' jobs, when the run detects and embeds as well). */
function runFlow(
  input: RunInput,
  names: { finalize: string; cluster: string },
  shardJobs?: FlowJob[],
): FlowJob {
  const { videoId, tenantId, prefix, runId } = input;
  const finalize: FinalizeJobData = { videoId, tenantId, runId };
  const cluster: ClusterJobData = {
    videoId,
    tenantId,
    shardCount: input.shardCount,
    runId,
    embedding: input.embedding,
    association: input.association,
    noise: input.noise,
    clustering: input.clustering,
  };
  return {
    name: names.finalize,
    queueName: QueueName.finalize,
    prefix,
    data: finalize,
    opts: { ...DEFAULT_JOB_OPTIONS.finalize, jobId: jobIds.finalize(videoId, runId) },
    children: [
      {
        name: names.cluster,
        queueName: QueueName.cluster,
        prefix,
        data: cluster,
        opts: {
          ...DEFAULT_JOB_OPTIONS.cluster,
          jobId: jobIds.cluster(videoId, runId),
          ignoreDependencyOnFailure: true,
        },
        ...(shardJobs ? { children: shardJobs } : {}),
      },
    ],
  };
}

/**
 * A video's flow for its current run, from its record: the shards its plan makes and the run's
 * settings. Adding it again (a retry) re-adds only what is missing: the job ids are the same.
 */
export function videoFlowOf(record: VideoRecord, prefix: string): FlowJob {
  return buildVideoFlow({
    videoId: record.id,
    tenantId: record.tenantId,
    sourceKey: record.sourceKey,
    shards: planShards(record.probe.durationSeconds, record.plan.shardSeconds),
    targetFps: record.plan.targetFps,
    runId: record.runId,
    embedding: record.embedding,
    association: record.association,
    noise: record.noise,
    clustering: record.clustering,
    prefix,
  });
}
