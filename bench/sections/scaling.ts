import { BenchStack } from '../lib/bench-stack.js';
import { measured, type Measured } from '../lib/stats.js';

export interface ScalingPoint {
  /** Detect-worker and embed-worker processes (one cluster worker). */
  workers: number;
  /** ORT_INTRA_OP_THREADS of each session: the cores shared out, not oversubscribed. */
  threadsPerSession: number;
  seconds: Measured;
  /** Video seconds per wall second. */
  throughput: Measured;
  /** Median throughput over the one-worker median. */
  speedup: number;
  /** Shards each detect process ran, per run (all processes took part when none is 0). */
  detectShardsPerProcess: number[][];
  embedShardsPerProcess: number[][];
  exactlyOnceProblems: string[];
}

export interface ScalingResult {
  video: string;
  videoSeconds: number;
  shards: number;
  points: ScalingPoint[];
}

/**
 * The same long video through 1, 2, 4 … detect and embed worker processes against one Redis: a new
 * stack per worker count, `repeat` runs each. Every run also checks that each shard's jobs started
 * and completed exactly once.
 */
export async function runScaling(opts: {
  file: string;
  label: string;
  workerCounts: number[];
  repeat: number;
  cores: number;
  /** Model sessions in each detect process (DETECT_CONCURRENCY): the cores are shared among them too. */
  sessionsPerProcess: number;
  env: Record<string, string>;
  log: (line: string) => void;
}): Promise<ScalingResult> {
  const points: Omit<ScalingPoint, 'speedup'>[] = [];
  let videoSeconds = 0;
  let shards = 0;
  for (const workers of opts.workerCounts) {
    // Each process runs `sessionsPerProcess` model sessions side by side (DETECT_CONCURRENCY).
    const threadsPerSession = Math.max(1, Math.floor(opts.cores / (workers * opts.sessionsPerProcess)));
    const stack = await BenchStack.start({
      workers,
      env: { ...opts.env, ORT_INTRA_OP_THREADS: String(threadsPerSession) },
    });
    const seconds: number[] = [];
    const throughput: number[] = [];
    const detectShares: number[][] = [];
    const embedShares: number[][] = [];
    const problems: string[] = [];
    try {
      const pids = stack.workerPids();
      for (let r = 0; r < opts.repeat; r++) {
        const run = await stack.process(opts.file);
        videoSeconds = run.videoSeconds;
        shards = run.shards.length;
        seconds.push(run.wallMs / 1000);
        throughput.push(run.videoSeconds / (run.wallMs / 1000));
        const share = (list: number[], by: (s: (typeof run.shards)[number]) => string) =>
          list.map((pid) => run.shards.filter((s) => by(s).endsWith(`:${pid}`)).length);
        detectShares.push(share(pids.detect, (s) => s.detectWorker));
        embedShares.push(share(pids.embed, (s) => s.embedWorker));
        problems.push(...run.exactlyOnceProblems);
        opts.log(
          `  ${workers} worker(s), ${threadsPerSession} ORT thread(s) per session, run ${r + 1}/${opts.repeat}: ${(run.wallMs / 1000).toFixed(1)} s, ` +
            `detect shards per process [${detectShares.at(-1)!.join(', ')}], exactly once: ${run.exactlyOnceProblems.length ? 'NO' : 'yes'}`,
        );
      }
    } finally {
      await stack.stop();
    }
    points.push({
      workers,
      threadsPerSession,
      seconds: measured(seconds),
      throughput: measured(throughput),
      detectShardsPerProcess: detectShares,
      embedShardsPerProcess: embedShares,
      exactlyOnceProblems: problems,
    });
  }
  const base = points[0]!.throughput.median;
  return {
    video: opts.label,
    videoSeconds,
    shards,
    points: points.map((p) => ({ ...p, speedup: p.throughput.median / base })),
  };
}
