import type { MediaProbe } from '../media/probe.js';
import type { RunSettings } from '../queues/payloads.js';
import type { ExecutionProvider, PipelineStage, VideoState } from '../vocabulary.js';

export interface StageSummary {
  /** Jobs of this stage that completed. */
  jobsCompleted: number;
  /** Sum of the jobs' own processing time. */
  busyMs: number;
  /** From the first job's start to the last job's end. */
  wallMs: number;
  /** Execution providers the stage's jobs reported really using (e.g. `cpu`, `cuda`). */
  executionProviders: ExecutionProvider[];
  /** Times a worker died or froze holding one of the stage's jobs (each was taken up again). */
  stalls?: number;
}

export interface VideoFailure {
  stage: PipelineStage | 'finalize';
  shardIndex?: number;
  jobId?: string;
  attempts?: number;
  message: string;
}

/** A failure a retry moved into the history: when the job failed, and what it said. */
export interface PastFailure extends VideoFailure {
  /** When the job failed (ISO time). */
  at: string;
}

/** The durable record of one video, written by the API (creation) and the finalize step (outcome). */
export interface VideoRecord extends RunSettings {
  id: string;
  tenantId: string;
  filename?: string;
  sourceKey: string;
  /** True when Orion stored the source (upload) and may delete it; false for a caller's existing key. */
  ownsSource: boolean;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** `queued` until a terminal state is recorded; live progress comes from the queues. */
  state: VideoState;
  tags: string[];
  callbackUrl?: string;
  probe: MediaProbe;
  plan: { shardSeconds: number; targetFps: number; shardCount: number };
  /** The clustering run whose results are current (a recluster adds a new run). */
  runId: string;
  /** A recluster in progress: becomes `runId` when its finalize step records success. */
  pendingRunId?: string;
  /** The last recluster that failed (the earlier results stay current). */
  reclusterError?: { runId: string; message: string };
  /** Totals and per-stage figures, filled in when the video finishes. */
  summary?: VideoSummary;
  error?: VideoFailure;
  /** Failures of earlier attempts at this run, oldest first: each retry appends the ones it re-ran. */
  failures?: PastFailure[];
  /** How many times the run was retried (`POST /v1/videos/:id/retry` or a failed job's retry). */
  retries?: number;
}

export interface VideoSummary {
  frames: number;
  /** Frames the detect jobs should have sampled (absent in records written before it was kept). */
  expectedFrames?: number;
  detections: number;
  entities: number | null;
  stages: Partial<Record<PipelineStage, StageSummary>>;
}
