import type { PipelineRun } from './bench-stack.js';
import type { PlainRun } from './plain-pipeline.js';
import { measured, pairedRatio, type Measured } from './stats.js';

/** A stage's CPU time measured alone (plain loop, decode alone) against its process's in Orion. */
export interface StageLoss {
  stage: string;
  /** CPU time of the stage's work alone at the same settings (ms, median run). */
  aloneCpuMs: number;
  /** CPU time of the Orion process(es) doing it, children included (ms, median run). */
  orionCpuMs: number;
  /** The stage's jobs' wall time summed (ms, median run): job wall − CPU is time spent waiting. */
  jobWallMs: number;
}

export interface Efficiency {
  cores: number;
  /** Σ stage CPU alone ÷ cores, per run (s). */
  boundSeconds: Measured;
  /** bound ÷ Orion's wall, paired run by run. */
  efficiency: Measured;
  /** CPU time of all Orion processes together (s), per run. */
  orionCpuSeconds: Measured;
  stages: StageLoss[];
}

export interface DecodeAloneRun {
  frames: number;
  ms: number;
  cpuMs: number;
}

const median = (xs: number[]) => Math.round(measured(xs).median);
const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((a, x) => a + f(x), 0);

/**
 * The compute bound of one video and Orion's efficiency against it. The bound counts the work the
 * plain loop does (decode, detector, raw crops, embedder with its verification, re-id, cluster);
 * Orion's extra work (crop JPEGs, store, label check, intake, finalize) shows as CPU in Orion above
 * CPU alone, stage by stage, and job wall above CPU as waiting.
 */
export function efficiencyOf(
  cores: number,
  orion: readonly PipelineRun[],
  plain: readonly PlainRun[],
  decode: readonly DecodeAloneRun[],
): Efficiency {
  const aloneMs = plain.map(
    (p, r) =>
      decode[r]!.cpuMs + p.cpu.detectMs + p.cpu.cropMs + p.cpu.embedMs + p.cpu.reidMs + p.cpu.clusterMs,
  );
  const boundMs = aloneMs.map((ms) => ms / cores);
  const jobs = (o: PipelineRun, f: (s: PipelineRun['shards'][number]) => number) => sum(o.shards, f);
  return {
    cores,
    boundSeconds: measured(boundMs.map((ms) => ms / 1000)),
    efficiency: pairedRatio(
      boundMs,
      orion.map((o) => o.wallMs),
    ),
    orionCpuSeconds: measured(orion.map((o) => sum(Object.values(o.cpuMs), (x) => x) / 1000)),
    stages: [
      {
        stage: 'detect worker (decode + detector + crops)',
        aloneCpuMs: median(plain.map((p, r) => decode[r]!.cpuMs + p.cpu.detectMs + p.cpu.cropMs)),
        orionCpuMs: median(orion.map((o) => o.cpuMs['detect-worker'])),
        jobWallMs: median(orion.map((o) => jobs(o, (s) => s.detectWallMs))),
      },
      {
        stage: 'embed worker (embedder + verification + re-id)',
        aloneCpuMs: median(plain.map((p) => p.cpu.embedMs + p.cpu.reidMs)),
        orionCpuMs: median(orion.map((o) => o.cpuMs['embed-worker'])),
        jobWallMs: median(orion.map((o) => jobs(o, (s) => s.embedWallMs))),
      },
      {
        stage: 'cluster worker',
        aloneCpuMs: median(plain.map((p) => p.cpu.clusterMs)),
        orionCpuMs: median(orion.map((o) => o.cpuMs['cluster-worker'])),
        jobWallMs: median(orion.map((o) => o.cluster.wallMs)),
      },
      {
        stage: 'API (upload, ffprobe, finalize)',
        aloneCpuMs: 0,
        orionCpuMs: median(orion.map((o) => o.cpuMs.api)),
        jobWallMs: NaN,
      },
    ],
  };
}
