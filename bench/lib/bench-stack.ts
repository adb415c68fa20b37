import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ApiClient } from '@orion/cli';
import {
  QueueName,
  createRedisConnection,
  jobIds,
  type DetectJobResult,
  type EmbedJobResult,
} from '@orion/shared';
import {
  STACK_APPS,
  startOrionStack,
  startRedisServer,
  type OrionStack,
  type RunningRedis,
  type StackApp,
} from '@orion/testkit';
import { JobStartCounter } from './job-start-counter.js';
import { totalCpuMs } from './process-cpu.js';
import { redisConnectionOptions } from './redis-options.js';

const PREFIX = 'orion-bench';

export interface BenchStackOptions {
  /** Processes of each of the detect and embed workers. */
  workers: number;
  /** Environment of every process (TARGET_FPS, ORT_INTRA_OP_THREADS, EXECUTION_PROVIDER …). */
  env: Record<string, string>;
}

/** Where one shard's time went, from its detect and embed jobs' records and results. */
export interface ShardTiming {
  index: number;
  frames: number;
  crops: number;
  /** Job wall times (BullMQ processedOn → finishedOn). */
  detectWallMs: number;
  embedWallMs: number;
  /** Decoding and inference (pre/postprocessing included) as the jobs measured them. */
  decodeMs: number;
  detectInferenceMs: number;
  embedInferenceMs: number;
  /** The shard's job time outside decode and inference: crops, store reads/writes, job plumbing. */
  overheadMs: number;
  /** From the detect job finishing to the embed job starting (queue hand-off). */
  handoffMs: number;
  detectWorker: string;
  embedWorker: string;
  provider: string;
}

export interface PipelineRun {
  videoId: string;
  state: string;
  /** Upload start → video completed (finalize job done). */
  wallMs: number;
  videoSeconds: number;
  frames: number;
  detections: number;
  crops: number;
  entities: number;
  shards: ShardTiming[];
  /**
   * Where the wall time went: upload start → first detect job started (upload, ffprobe, flow),
   * → last embed job finished (shards), → video completed (cluster job, finalize).
   */
  phases: { intakeMs: number; shardsMs: number; tailMs: number };
  /** Cluster job wall time and the stage's own timings. */
  cluster: { wallMs: number; timings: Record<string, number> };
  /**
   * CPU time (ms) each app's processes used from upload start to completion, from /proc: own
   * threads plus exited children (the detect worker's ffmpeg decoders, the API's ffprobe).
   */
  cpuMs: Record<StackApp, number>;
  /** Empty when every shard's detect and embed job started once, completed once and never failed. */
  exactlyOnceProblems: string[];
}

/**
 * A local Orion for measurements: its own redis-server, a filesystem store in a temporary folder,
 * the API and N detect + N embed worker processes (one cluster worker), all production entry points.
 */
export class BenchStack {
  private constructor(
    private readonly redis: RunningRedis,
    private readonly dataDir: string,
    private readonly stack: OrionStack,
    private readonly connection: Redis,
    private readonly queues: Record<'detect' | 'embed' | 'cluster', Queue>,
    private readonly starts: JobStartCounter,
    private readonly finalized: QueueEvents,
    readonly client: ApiClient,
  ) {}

  static async start(opts: BenchStackOptions): Promise<BenchStack> {
    const redis = await startRedisServer();
    const dataDir = await mkdtemp(join(tmpdir(), 'orion-bench-'));
    let stack: OrionStack | undefined;
    try {
      stack = await startOrionStack({
        redisUrl: redis.url,
        storageUrl: `file://${dataDir}`,
        env: { QUEUE_PREFIX: PREFIX, ...opts.env },
        replicas: { 'detect-worker': opts.workers, 'embed-worker': opts.workers },
      });
      const connection = createRedisConnection(redis.url, 'orion-bench');
      const queue = (name: QueueName) => new Queue(name, { connection, prefix: PREFIX });
      const queues = {
        detect: queue(QueueName.detect),
        embed: queue(QueueName.embed),
        cluster: queue(QueueName.cluster),
      };
      const starts = await JobStartCounter.start(redis.url, PREFIX, [QueueName.detect, QueueName.embed]);
      const finalized = new QueueEvents(QueueName.finalize, {
        connection: redisConnectionOptions(redis.url),
        prefix: PREFIX,
      });
      await finalized.waitUntilReady();
      return new BenchStack(
        redis,
        dataDir,
        stack,
        connection,
        queues,
        starts,
        finalized,
        new ApiClient(stack.apiUrl, stack.apiKey),
      );
    } catch (err) {
      await stack?.stop(5_000);
      await redis.stop();
      await rm(dataDir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Submits one file through the REST API and waits until the video is finalized. */
  async process(
    file: string,
    options: { targetFps?: number; shardSeconds?: number } = {},
  ): Promise<PipelineRun> {
    const started = performance.now();
    const startedAt = Date.now();
    const cpuBefore = this.cpuMs();
    const done = this.nextFinalize();
    const res = await this.client.uploadVideo(file, { ...options, tags: ['bench'] }, () => {});
    const videoId = res.videos[0]?.id;
    if (!videoId) {
      done.cancel();
      throw new Error(`${file} was refused: ${res.videos[0]?.error?.message ?? 'no id'}`);
    }
    await done.until(videoId);
    const wallMs = performance.now() - started;
    const endedAt = Date.now();
    const cpuAfter = this.cpuMs();
    const cpuMs = Object.fromEntries(
      STACK_APPS.map((app) => [app, Math.round(cpuAfter[app] - cpuBefore[app])]),
    ) as Record<StackApp, number>;

    const status = await this.client.json<{
      state: string;
      video: { durationSeconds: number };
      plan: { shardCount: number };
      counts: { frames: number; detections: number; entities: number | null };
      error?: { message: string };
    }>(`/v1/videos/${videoId}`);
    if (status.state !== 'completed') {
      throw new Error(`video ${videoId} (${file}) ended ${status.state}: ${status.error?.message ?? ''}`);
    }
    const shards: ShardTiming[] = [];
    let firstDetect = Infinity;
    let lastEmbed = 0;
    for (let k = 0; k < status.plan.shardCount; k++) {
      const detect = await this.job('detect', jobIds.detect(videoId, k));
      const embed = await this.job('embed', jobIds.embed(videoId, k));
      firstDetect = Math.min(firstDetect, detect.processedOn!);
      lastEmbed = Math.max(lastEmbed, embed.finishedOn!);
      const d = detect.returnvalue as DetectJobResult;
      const e = embed.returnvalue as EmbedJobResult;
      const detectWallMs = detect.finishedOn! - detect.processedOn!;
      const embedWallMs = embed.finishedOn! - embed.processedOn!;
      const decodeMs = d.timings.decodeWaitMs;
      const detectInferenceMs = d.timings.preprocessMs + d.timings.inferenceMs + d.timings.postprocessMs;
      const embedInferenceMs = e.timings.preprocessMs + e.timings.inferenceMs + e.timings.textMs;
      shards.push({
        index: k,
        frames: d.frames,
        crops: e.count,
        detectWallMs,
        embedWallMs,
        decodeMs,
        detectInferenceMs,
        embedInferenceMs,
        overheadMs: detectWallMs + embedWallMs - decodeMs - detectInferenceMs - embedInferenceMs,
        handoffMs: embed.processedOn! - detect.finishedOn!,
        detectWorker: detect.processedBy ?? '?',
        embedWorker: embed.processedBy ?? '?',
        provider: d.executionProvider,
      });
    }
    const cluster = (await this.queues.cluster.getJobs(['completed'])).find(
      (j) => j.data.videoId === videoId,
    );
    const expected = {
      [QueueName.detect]: shards.map((s) => jobIds.detect(videoId, s.index)),
      [QueueName.embed]: shards.map((s) => jobIds.embed(videoId, s.index)),
    };
    return {
      videoId,
      state: status.state,
      wallMs,
      videoSeconds: status.video.durationSeconds,
      frames: status.counts.frames,
      detections: status.counts.detections,
      crops: shards.reduce((s, x) => s + x.crops, 0),
      entities: status.counts.entities ?? 0,
      shards,
      phases: {
        intakeMs: firstDetect - startedAt,
        shardsMs: lastEmbed - firstDetect,
        tailMs: endedAt - lastEmbed,
      },
      cluster: {
        wallMs: cluster ? cluster.finishedOn! - cluster.processedOn! : NaN,
        timings: (cluster?.returnvalue as { timings?: Record<string, number> } | undefined)?.timings ?? {},
      },
      cpuMs,
      exactlyOnceProblems: this.starts.problems(videoId, expected),
    };
  }

  /** CPU time so far of each app's processes together (ms). */
  private cpuMs(): Record<StackApp, number> {
    return Object.fromEntries(
      STACK_APPS.map((app) => [app, this.stack.pids(app).reduce((sum, pid) => sum + totalCpuMs(pid), 0)]),
    ) as Record<StackApp, number>;
  }

  private async job(queue: 'detect' | 'embed', id: string): Promise<Job> {
    const job = await this.queues[queue].getJob(id);
    if (!job?.finishedOn || !job.processedOn) throw new Error(`job ${id} has no finished record`);
    return job;
  }

  /** Resolves when the finalize job of the given video completes (listening starts now). */
  private nextFinalize() {
    let wanted: string | undefined;
    const seen = new Set<string>();
    let wake: (() => void) | undefined;
    const onCompleted = ({ jobId }: { jobId: string }) => {
      seen.add(jobId.split('.finalize.')[0]!);
      if (wanted && seen.has(wanted)) wake?.();
    };
    this.finalized.on('completed', onCompleted);
    const cancel = () => this.finalized.off('completed', onCompleted);
    return {
      cancel,
      until: (videoId: string) =>
        new Promise<void>((resolve) => {
          wanted = videoId;
          wake = () => {
            cancel();
            resolve();
          };
          if (seen.has(videoId)) wake();
        }),
    };
  }

  /** Worker process names as BullMQ recorded them (`host:pid`), for the share of shards each ran. */
  workerPids(): { detect: number[]; embed: number[] } {
    return { detect: this.stack.pids('detect-worker'), embed: this.stack.pids('embed-worker') };
  }

  async stop(): Promise<void> {
    await this.starts.close();
    await this.finalized.close();
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    await this.connection.quit();
    await this.stack.stop(15_000);
    await this.redis.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
