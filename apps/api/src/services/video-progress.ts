import type { Job } from 'bullmq';
import {
  QueueName,
  jobResult,
  parseJobData,
  type ExecutionProvider,
  type JobPhase,
  type PipelineStage,
  type StageSummary,
  type VideoFailure,
  type VideoRecord,
} from '@orion/shared';
import type { PipelineQueues } from './pipeline-queues.js';
import { ownFailure, phaseOf, readRunJobs } from './run-jobs.js';

/** One stage of a run: its jobs' summary and where they stand. */
export interface LiveStage extends StageSummary {
  state: JobPhase;
  total: number;
}

/** What the queues say about one run of a video, read from its jobs (whose ids are deterministic). */
export interface LiveProgress {
  stages: Record<PipelineStage, LiveStage>;
  frames: number;
  /** Frames the finished detect jobs should have sampled. */
  expectedFrames: number;
  detections: number;
  entities: number | null;
  finalized: boolean;
  failure?: VideoFailure;
}

function summarise(
  queue: typeof QueueName.detect | typeof QueueName.embed | typeof QueueName.cluster,
  jobs: (Job | undefined)[],
  total: number,
): LiveStage {
  const finished = jobs.filter((j): j is Job => phaseOf(j) === 'done');
  const started = jobs.filter((j): j is Job => !!j?.processedOn);
  const phases = jobs.map(phaseOf);
  const state: JobPhase = phases.includes('failed')
    ? 'failed'
    : finished.length === total
      ? 'done'
      : started.length > 0
        ? 'running'
        : 'pending';
  const providers = new Set<ExecutionProvider>(finished.map((j) => jobResult(queue, j).executionProvider));
  return {
    state,
    total,
    jobsCompleted: finished.length,
    busyMs: finished.reduce((sum, j) => sum + (j.finishedOn! - j.processedOn!), 0),
    wallMs: finished.length
      ? Math.max(...finished.map((j) => j.finishedOn!)) - Math.min(...started.map((j) => j.processedOn!))
      : 0,
    executionProviders: [...providers].sort(),
    stalls: jobs.reduce((sum, j) => sum + (j?.stalledCounter ?? 0), 0),
  };
}

export async function readLiveProgress(queues: PipelineQueues, record: VideoRecord): Promise<LiveProgress> {
  const n = record.plan.shardCount;
  const { detect, embed, cluster, finalize } = await readRunJobs(queues, record);

  let failure: VideoFailure | undefined;
  const stageJobs: [PipelineStage, (Job | undefined)[]][] = [
    ['detect', detect],
    ['embed', embed],
    ['cluster', [cluster]],
  ];
  for (const [stage, jobs] of stageJobs) {
    const failed = jobs.find(ownFailure);
    if (failed) {
      failure = {
        stage,
        shardIndex: stage === 'cluster' ? undefined : parseJobData(stage, failed.data).shard.index,
        jobId: failed.id,
        attempts: failed.attemptsMade,
        message: failed.failedReason,
      };
      break;
    }
  }

  const detected = detect
    .filter((j): j is Job => phaseOf(j) === 'done')
    .map((j) => jobResult(QueueName.detect, j));
  return {
    stages: {
      detect: summarise(QueueName.detect, detect, n),
      embed: summarise(QueueName.embed, embed, n),
      cluster: summarise(QueueName.cluster, [cluster], 1),
    },
    frames: detected.reduce((s, r) => s + r.frames, 0),
    expectedFrames: detected.reduce((s, r) => s + r.expectedFrames, 0),
    detections: detected.reduce((s, r) => s + r.detections, 0),
    entities: phaseOf(cluster) === 'done' ? jobResult(QueueName.cluster, cluster!).entities : null,
    finalized: phaseOf(finalize) === 'done',
    failure,
  };
}
