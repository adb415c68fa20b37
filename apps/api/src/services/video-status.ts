import { PIPELINE_STAGES, isTerminalState, type VideoRecord, type VideoState } from '@orion/shared';
import type { VideoStatus } from '@orion/shared/api';
import type { PipelineQueues } from './pipeline-queues.js';
import { statusWarnings } from './status-warnings.js';
import { readLiveProgress, type LiveProgress, type LiveStage } from './video-progress.js';

// Share of the overall percentage per stage (detection dominates the cost of a video).
const WEIGHTS = { detect: 55, embed: 30, cluster: 15 } as const;

const emptyStage = (total: number): LiveStage => ({
  state: 'pending',
  total,
  jobsCompleted: 0,
  busyMs: 0,
  wallMs: 0,
  executionProviders: [],
});

/** Progress as recorded when the video finished (its jobs may since have been removed from Redis). */
function recordedProgress(record: VideoRecord): LiveProgress {
  const n = record.plan.shardCount;
  const stages = {} as LiveProgress['stages'];
  for (const stage of PIPELINE_STAGES) {
    const total = stage === 'cluster' ? 1 : n;
    const s = record.summary?.stages[stage];
    const failed = record.error?.stage === stage;
    stages[stage] = s
      ? { ...s, total, state: failed ? 'failed' : s.jobsCompleted === total ? 'done' : 'pending' }
      : { ...emptyStage(total), state: failed ? 'failed' : 'pending' };
  }
  return {
    stages,
    frames: record.summary?.frames ?? 0,
    expectedFrames: record.summary?.expectedFrames ?? record.summary?.frames ?? 0,
    detections: record.summary?.detections ?? 0,
    entities: record.summary?.entities ?? null,
    finalized: true,
    failure: record.error,
  };
}

function stateOf(record: VideoRecord, live: LiveProgress): VideoState {
  if (isTerminalState(record.state)) return record.state;
  // A job failed after all its retries: the video has failed even before finalize records it.
  if (live.failure) return 'failed';
  const anyStarted = Object.values(live.stages).some((s) => s.state !== 'pending');
  return anyStarted ? 'processing' : 'queued';
}

function percentOf(state: VideoState, live: LiveProgress): number {
  if (state === 'completed') return 100;
  const { detect, embed, cluster } = live.stages;
  const raw =
    (WEIGHTS.detect * detect.jobsCompleted) / detect.total +
    (WEIGHTS.embed * embed.jobsCompleted) / embed.total +
    WEIGHTS.cluster * (cluster.state === 'done' ? 1 : cluster.state === 'running' ? 0.3 : 0);
  return Math.min(99, Math.floor(raw));
}

function stageOf(state: VideoState, live: LiveProgress): VideoStatus['stage'] {
  if (state === 'completed') return 'done';
  if (state === 'queued') return 'queued';
  if (live.failure) return live.failure.stage === 'finalize' ? 'cluster' : live.failure.stage;
  if (live.stages.detect.state !== 'done') return 'detect';
  if (live.stages.embed.state !== 'done') return 'embed';
  return 'cluster';
}

const stageView = (s: LiveStage) => ({
  state: s.state,
  completed: s.jobsCompleted,
  total: s.total,
  busyMs: s.busyMs,
  wallMs: s.jobsCompleted ? s.wallMs : null,
  executionProviders: s.executionProviders,
  stalls: s.stalls ?? 0,
});

/** Reads the queues only while the video is in flight; finished videos answer from their record. */
export async function videoStatus(record: VideoRecord, queues: PipelineQueues): Promise<VideoStatus> {
  const terminal = isTerminalState(record.state);
  const live = terminal ? recordedProgress(record) : await readLiveProgress(queues, record);
  const state = stateOf(record, live);
  const error = record.error ?? live.failure;
  const warnings = statusWarnings(live, record.plan.targetFps);
  return {
    id: record.id,
    state,
    stage: stageOf(state, live),
    percent: percentOf(state, live),
    filename: record.filename,
    tags: record.tags,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    finishedAt: record.finishedAt,
    video: {
      durationSeconds: record.probe.durationSeconds,
      width: record.probe.video.width,
      height: record.probe.video.height,
      fps: record.probe.video.fps,
      codec: record.probe.video.codec,
    },
    plan: record.plan,
    progress: {
      detect: stageView(live.stages.detect),
      embed: stageView(live.stages.embed),
      cluster: stageView(live.stages.cluster),
    },
    counts: {
      frames: live.frames,
      expectedFrames: live.expectedFrames,
      detections: live.detections,
      entities: live.entities,
    },
    ...(warnings.length ? { warnings } : {}),
    runId: record.runId,
    association: record.association,
    embedding: record.embedding,
    ...(record.pendingRunId ? { pendingRunId: record.pendingRunId } : {}),
    ...(record.reclusterError ? { reclusterError: record.reclusterError } : {}),
    ...(error ? { error } : {}),
    ...(record.retries ? { retries: record.retries } : {}),
    ...(record.failures?.length ? { failures: record.failures } : {}),
  };
}

/** The state a list filter compares against: recorded when final, else from the queues. */
export async function currentState(record: VideoRecord, queues: PipelineQueues): Promise<VideoState> {
  if (isTerminalState(record.state)) return record.state;
  return stateOf(record, await readLiveProgress(queues, record));
}
