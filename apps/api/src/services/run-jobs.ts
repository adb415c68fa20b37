import type { Job } from 'bullmq';
import { QueueName, jobIds, type JobPhase, type VideoRecord } from '@orion/shared';
import type { PipelineQueues } from './pipeline-queues.js';

/** The jobs of a video's current run, by their deterministic ids (absent ones were cleaned or never added). */
export interface RunJobs {
  detect: (Job | undefined)[];
  embed: (Job | undefined)[];
  cluster?: Job;
  finalize?: Job;
}

export async function readRunJobs(queues: PipelineQueues, record: VideoRecord): Promise<RunJobs> {
  const shards = Array.from({ length: record.plan.shardCount }, (_, k) => k);
  const [detect, embed, cluster, finalize] = await Promise.all([
    Promise.all(shards.map((k) => queues.job(QueueName.detect, jobIds.detect(record.id, k)))),
    Promise.all(shards.map((k) => queues.job(QueueName.embed, jobIds.embed(record.id, k)))),
    queues.job(QueueName.cluster, jobIds.cluster(record.id, record.runId)),
    queues.job(QueueName.finalize, jobIds.finalize(record.id, record.runId)),
  ]);
  return { detect, embed, cluster, finalize };
}

export function phaseOf(job: Job | undefined): JobPhase {
  if (!job) return 'pending';
  if (job.finishedOn) return job.failedReason ? 'failed' : 'done';
  return job.processedOn ? 'running' : 'pending';
}

export const isFailed = (job: Job | undefined): job is Job => phaseOf(job) === 'failed';

/** BullMQ's note on a parent that failed because a child did (`failParentOnFailure`). */
const CHILD_FAILED = /^child \S+ failed$/;

/** A job's own failure, as opposed to BullMQ's "child … failed" note on parents of a failed job. */
export function ownFailure(job: Job | undefined): job is Job {
  return isFailed(job) && !CHILD_FAILED.test(job.failedReason);
}
