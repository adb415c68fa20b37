import { basename } from 'node:path';
import type { AnalyzeItem } from '@orion/embeddings';
import type { BenchStack, PipelineRun } from '../lib/bench-stack.js';
import { decodeAlone } from '../lib/decode-alone.js';
import { efficiencyOf, type DecodeAloneRun, type Efficiency } from '../lib/efficiency.js';
import type { PlainPipeline, PlainRun } from '../lib/plain-pipeline.js';
import { measured, pairedRatio, type Measured } from '../lib/stats.js';

export interface VideoResult {
  video: string;
  videoSeconds: number;
  shards: number;
  frames: number;
  detections: number;
  /** Detections of the plain loop (the same frames and detector: should be equal). */
  plainDetections: number;
  crops: number;
  entities: number;
  /** Entities the plain loop found on the same video (same algorithms: should match closely). */
  plainEntities: number;
  /** Upload → completed through the API, queues and workers. */
  orionSeconds: Measured;
  /** Video seconds processed per wall second by Orion. */
  throughput: Measured;
  plainSeconds: Measured;
  /** Orion ÷ plain, paired run by run. */
  overheadRatio: Measured;
  stages: {
    decodeFps: Measured;
    detectMsPerFrame: Measured;
    embedMsPerCrop: Measured;
    /** Tracklets + HDBSCAN on tracklets + entities (the cluster stage's algorithm). */
    clusterMs: Measured;
    /** HDBSCAN on every observation embedding (the `observations` association mode). */
    hdbscanObservationsMs: Measured;
    /** Per shard, the detect and embed jobs' time outside decode and inference (crops, store, plumbing). */
    overheadMsPerShard: Measured;
    /** Per shard, detect job finished → embed job started. */
    handoffMs: Measured;
    /** The cluster job's wall time (gathering every shard from the store included). */
    clusterJobMs: Measured;
    /** Upload start → first detect job started (upload, ffprobe, flow). */
    intakeMs: Measured;
    /** Last embed job done → video completed (cluster job, finalize). */
    tailMs: Measured;
  };
  /**
   * Where the time went, medians over the runs of per-run sums (ms). Orion's shard jobs overlap (the
   * embed job of shard k runs beside the detect job of shard k + 1), so its sums exceed its wall time.
   */
  breakdown: {
    orion: Record<'detectJobs' | 'decodeWait' | 'detectInference' | 'embedJobs' | 'embedInference', number>;
    plain: Record<'decode' | 'detect' | 'crop' | 'embed' | 'cluster', number>;
  };
  /** Σ stage CPU alone ÷ cores against Orion's wall, and which stage's process loses what. */
  efficiency: Efficiency;
  /** Orion with other settings (`--variant`), run alternately with the default stack. */
  variants: VariantResult[];
  exactlyOnceProblems: string[];
  providers: string[];
}

/** One `--variant` stack's runs of a video, against the same plain loop and decode runs. */
export interface VariantResult {
  /** The settings it changes, e.g. `ORT_INTRA_OP_THREADS=1`. */
  label: string;
  detections: number;
  entities: number;
  orionSeconds: Measured;
  overheadRatio: Measured;
  efficiency: Efficiency;
  exactlyOnceProblems: string[];
}

/** An Orion stack started with other settings than the default one. */
export interface VariantStack {
  label: string;
  stack: BenchStack;
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);
const medianOf = <T>(xs: T[], f: (x: T) => number) => Math.round(measured(xs.map(f)).median);

/** Every video of a run together: Orion's and the plain loop's summed times, paired run by run. */
export interface EndToEndTotal {
  videoSeconds: number;
  orionSeconds: Measured;
  plainSeconds: Measured;
  overheadRatio: Measured;
}

export function endToEndTotal(videos: readonly VideoResult[]): EndToEndTotal {
  const runs = Math.min(...videos.map((v) => v.orionSeconds.runs.length));
  const sumRun = (pick: (v: VideoResult) => Measured) =>
    Array.from({ length: runs }, (_, r) => sum(videos, (v) => pick(v).runs[r]!));
  const orion = sumRun((v) => v.orionSeconds);
  const plain = sumRun((v) => v.plainSeconds);
  return {
    videoSeconds: sum(videos, (v) => v.videoSeconds),
    orionSeconds: measured(orion),
    plainSeconds: measured(plain),
    overheadRatio: pairedRatio(orion, plain),
  };
}

export interface EndToEndOutput {
  videos: VideoResult[];
  /** Up to `sampleCropsPerVideo` crops of each video, for the embedder's batch-size measurement. */
  sampleCrops: AnalyzeItem[];
}

/**
 * Each video through Orion (one detect and one embed worker) and through the plain loop, `repeat`
 * times, interleaved (Orion, plain, decode alone, next video …) so that load from elsewhere on a shared
 * machine hits both alike; ratios are taken pair by pair.
 */
export async function runEndToEnd(opts: {
  stack: BenchStack;
  plain: PlainPipeline;
  /** Stacks with other settings, each run right after the default stack on the same video. */
  variants?: VariantStack[];
  files: string[];
  fps: number;
  /** Cores the bound divides the stages' CPU time by. */
  cores: number;
  repeat: number;
  sampleCropsPerVideo: number;
  log: (line: string) => void;
}): Promise<EndToEndOutput> {
  const orion = new Map<string, PipelineRun[]>();
  const variantRuns = new Map<string, PipelineRun[][]>();
  const variants = opts.variants ?? [];
  const plain = new Map<string, PlainRun[]>();
  const decode = new Map<string, DecodeAloneRun[]>();
  const sampleCrops: AnalyzeItem[] = [];
  for (let r = 0; r < opts.repeat; r++) {
    for (const file of opts.files) {
      const o = await opts.stack.process(file);
      const vs: PipelineRun[] = [];
      for (const v of variants) vs.push(await v.stack.process(file));
      const p = await opts.plain.run(file, { sampleCrops: r === 0 ? opts.sampleCropsPerVideo : 0 });
      const d = await decodeAlone(file, opts.fps);
      sampleCrops.push(...p.sampleCrops);
      p.sampleCrops = [];
      (orion.get(file) ?? orion.set(file, []).get(file)!).push(o);
      (plain.get(file) ?? plain.set(file, []).get(file)!).push(p);
      (decode.get(file) ?? decode.set(file, []).get(file)!).push(d);
      const perVariant =
        variantRuns.get(file) ??
        variantRuns
          .set(
            file,
            variants.map(() => []),
          )
          .get(file)!;
      vs.forEach((run, i) => perVariant[i]!.push(run));
      for (const [i, run] of vs.entries())
        opts.log(
          `    ${variants[i]!.label}: orion ${(run.wallMs / 1000).toFixed(1)} s, ${run.detections} detections`,
        );
      opts.log(
        `  run ${r + 1}/${opts.repeat} ${basename(file)}: orion ${(o.wallMs / 1000).toFixed(1)} s, plain ${(p.timings.totalMs / 1000).toFixed(1)} s, ` +
          `${o.frames} frames, ${o.detections} detections, ${o.entities} entities`,
      );
    }
  }
  const videos = opts.files.map((file): VideoResult => {
    const os = orion.get(file)!;
    const ps = plain.get(file)!;
    const ds = decode.get(file)!;
    const last = os.at(-1)!;
    const orionMs = os.map((o) => o.wallMs);
    const plainMs = ps.map((p) => p.timings.totalMs);
    const shards = os.flatMap((o) => o.shards);
    return {
      video: basename(file),
      videoSeconds: last.videoSeconds,
      shards: last.shards.length,
      frames: last.frames,
      detections: last.detections,
      crops: last.crops,
      entities: last.entities,
      plainDetections: ps.at(-1)!.detections,
      plainEntities: ps.at(-1)!.entities,
      orionSeconds: measured(orionMs.map((ms) => ms / 1000)),
      throughput: measured(orionMs.map((ms) => last.videoSeconds / (ms / 1000))),
      plainSeconds: measured(plainMs.map((ms) => ms / 1000)),
      overheadRatio: pairedRatio(orionMs, plainMs),
      stages: {
        decodeFps: measured(ds.map((d) => (1000 * d.frames) / d.ms)),
        detectMsPerFrame: measured(ps.map((p) => p.timings.detectMs / Math.max(1, p.frames))),
        embedMsPerCrop: measured(ps.map((p) => (p.detections ? p.timings.embedMs / p.detections : 0))),
        clusterMs: measured(ps.map((p) => p.timings.clusterMs)),
        hdbscanObservationsMs: measured(ps.map((p) => p.timings.hdbscanObservationsMs)),
        overheadMsPerShard: measured(shards.map((s) => s.overheadMs)),
        handoffMs: measured(shards.map((s) => s.handoffMs)),
        clusterJobMs: measured(os.map((o) => o.cluster.wallMs)),
        intakeMs: measured(os.map((o) => o.phases.intakeMs)),
        tailMs: measured(os.map((o) => o.phases.tailMs)),
      },
      breakdown: {
        orion: {
          detectJobs: medianOf(os, (o) => sum(o.shards, (x) => x.detectWallMs)),
          decodeWait: medianOf(os, (o) => sum(o.shards, (x) => x.decodeMs)),
          detectInference: medianOf(os, (o) => sum(o.shards, (x) => x.detectInferenceMs)),
          embedJobs: medianOf(os, (o) => sum(o.shards, (x) => x.embedWallMs)),
          embedInference: medianOf(os, (o) => sum(o.shards, (x) => x.embedInferenceMs)),
        },
        plain: {
          decode: medianOf(ps, (p) => p.timings.decodeMs),
          detect: medianOf(ps, (p) => p.timings.detectMs),
          crop: medianOf(ps, (p) => p.timings.cropMs),
          embed: medianOf(ps, (p) => p.timings.embedMs),
          cluster: medianOf(ps, (p) => p.timings.clusterMs),
        },
      },
      efficiency: efficiencyOf(opts.cores, os, ps, ds),
      variants: variants.map((v, i): VariantResult => {
        const runs = variantRuns.get(file)![i]!;
        return {
          label: v.label,
          detections: runs.at(-1)!.detections,
          entities: runs.at(-1)!.entities,
          orionSeconds: measured(runs.map((o) => o.wallMs / 1000)),
          overheadRatio: pairedRatio(
            runs.map((o) => o.wallMs),
            plainMs,
          ),
          efficiency: efficiencyOf(opts.cores, runs, ps, ds),
          exactlyOnceProblems: runs.flatMap((o) => o.exactlyOnceProblems),
        };
      }),
      exactlyOnceProblems: os.flatMap((o) => o.exactlyOnceProblems),
      providers: [...new Set(shards.map((s) => s.provider))],
    };
  });
  return { videos, sampleCrops };
}
