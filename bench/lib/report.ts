import type { EmbedBatchResult } from '../sections/embed-batches.js';
import { endToEndTotal, type VideoResult } from '../sections/end-to-end.js';
import type { ScalingResult } from '../sections/scaling.js';
import type { MachineDescription } from './machine.js';
import { fmt } from './stats.js';

export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  machine: MachineDescription;
  settings: {
    executionProvider: string;
    /** The providers the workers reported they really ran. */
    providersUsed: string[];
    targetFps: number;
    shardSeconds: number;
    repeat: number;
    detector: string;
    embedder: string;
    /** ORT_INTRA_OP_THREADS (0: cores ÷ concurrency), ORT_INTER_OP_THREADS, ORT_ALLOW_SPINNING. */
    onnxThreads: { intraOp: number; interOp: number; allowSpinning: boolean; sharingProcesses: number };
    /** DETECT_CONCURRENCY and EMBED_CONCURRENCY: jobs (threads, model sessions) per worker process. */
    concurrency: { detect: number; embed: number };
  };
  endToEnd?: VideoResult[];
  embedBatches?: EmbedBatchResult[];
  scaling?: ScalingResult;
}

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function totalLine(videos: VideoResult[]): string {
  const t = endToEndTotal(videos);
  return (
    `All ${videos.length} videos (${t.videoSeconds.toFixed(1)} video s) together, run by run: orion ${fmt(t.orionSeconds)} s, ` +
    `plain ${fmt(t.plainSeconds)} s, orion / plain **${fmt(t.overheadRatio, 2)}**. Each video pays a fixed intake and ` +
    'tail (upload, ffprobe, enqueue; cluster job, finalize) and each shard one ffmpeg start, which weigh most on short videos.'
  );
}

/** The report as markdown: medians with the (min–max) of the runs. */
export function renderMarkdown(r: BenchReport): string {
  const m = r.machine;
  const out: string[] = [
    `# Orion benchmark — ${r.startedAt}`,
    '',
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}, onnxruntime-node ${m.onnxruntime}, ${m.ffmpeg}` +
      `${m.gpus.length ? `; GPU ${m.gpus.join(', ')}` : '; no GPU'}. Load average at start ${m.loadAverage}.`,
    `Execution provider ${r.settings.executionProvider} (ran: ${r.settings.providersUsed.join(', ') || '—'}), detector ${r.settings.detector}, ` +
      `embedder ${r.settings.embedder}, TARGET_FPS ${r.settings.targetFps}, SHARD_SECONDS ${r.settings.shardSeconds}, ` +
      `DETECT_CONCURRENCY ${r.settings.concurrency.detect}, EMBED_CONCURRENCY ${r.settings.concurrency.embed}, ` +
      `ORT threads ${r.settings.onnxThreads.intraOp || 'auto'}/${r.settings.onnxThreads.interOp} (sharing processes ${r.settings.onnxThreads.sharingProcesses}), spinning ${r.settings.onnxThreads.allowSpinning ? 'on' : 'off'}. ` +
      `Each figure: median of ${r.settings.repeat} (min–max). Took ${r.durationSeconds.toFixed(0)} s.`,
  ];
  if (r.endToEnd?.length) {
    out.push(
      '',
      '## End to end (API → queues → 1 detect + 1 embed + 1 cluster worker → completed)',
      '',
      table(
        [
          'video',
          'video s',
          'shards',
          'frames',
          'detections (plain)',
          'entities (plain)',
          'orion s',
          'video s / wall s',
          'plain s',
          'orion / plain',
        ],
        r.endToEnd.map((v) => [
          v.video,
          v.videoSeconds.toFixed(1),
          v.shards,
          v.frames,
          `${v.detections} (${v.plainDetections})`,
          `${v.entities} (${v.plainEntities})`,
          fmt(v.orionSeconds),
          fmt(v.throughput, 2),
          fmt(v.plainSeconds),
          `**${fmt(v.overheadRatio, 2)}**`,
        ]),
      ),
      '',
      totalLine(r.endToEnd),
      '',
      '## Stage costs',
      '',
      table(
        [
          'video',
          'decode fps',
          'detect ms/frame',
          'embed ms/crop',
          'cluster ms',
          'HDBSCAN on observations ms',
          'overhead ms/shard',
          'handoff ms',
          'intake ms',
          'cluster + finalize ms',
        ],
        r.endToEnd.map((v) => [
          v.video,
          fmt(v.stages.decodeFps, 0),
          fmt(v.stages.detectMsPerFrame),
          fmt(v.stages.embedMsPerCrop, 2),
          fmt(v.stages.clusterMs, 0),
          fmt(v.stages.hdbscanObservationsMs, 0),
          fmt(v.stages.overheadMsPerShard, 0),
          fmt(v.stages.handoffMs, 0),
          fmt(v.stages.intakeMs, 0),
          fmt(v.stages.tailMs, 0),
        ]),
      ),
      '',
      "Decode: ffmpeg sampling alone. Detect, embed (default batch), cluster and HDBSCAN: the plain loop. Overhead per shard: the detect and embed jobs' wall time outside decode and inference (crop JPEGs, store reads and writes, job plumbing); handoff: detect job done → embed job started; intake: upload start → first detect job started (upload, ffprobe, enqueue); cluster + finalize: last embed job done → video completed.",
    );
    out.push(
      '',
      '## Where the time goes (ms, summed over the shards of one run; median run)',
      '',
      table(
        [
          'video',
          'orion detect jobs',
          'of which decode wait',
          'of which detector',
          'orion embed jobs',
          'of which embedder',
          'plain decode',
          'plain detect',
          'plain crops',
          'plain embed',
          'plain cluster',
        ],
        r.endToEnd.map(({ video, breakdown: { orion: o, plain: p } }) => [
          video,
          o.detectJobs,
          o.decodeWait,
          o.detectInference,
          o.embedJobs,
          o.embedInference,
          p.decode,
          p.detect,
          p.crop,
          p.embed,
          p.cluster,
        ]),
      ),
      '',
      "Orion's embed job of shard k runs beside the detect job of shard k + 1, so its sums add up to more than its wall time. Decode wait: time a detect job waited for ffmpeg's next frame (the first frame of each shard includes starting ffmpeg).",
    );
    out.push(...efficiencySection(r.endToEnd));
    const problems = r.endToEnd.flatMap((v) => [
      ...v.exactlyOnceProblems.map((p) => `${v.video}: ${p}`),
      ...v.variants.flatMap((x) => x.exactlyOnceProblems.map((p) => `${v.video} (${x.label}): ${p}`)),
    ]);
    out.push(
      '',
      problems.length
        ? `**Jobs not run exactly once:** ${problems.join('; ')}`
        : 'Every shard job ran exactly once.',
    );
  }
  if (r.embedBatches?.length) {
    out.push(
      '',
      '## Embedder by batch size (real crops, with class verification)',
      '',
      table(
        ['batch', 'ms/crop', 'crops/s'],
        r.embedBatches.map((b) => [b.batchSize, fmt(b.msPerCrop, 2), (1000 / b.msPerCrop.median).toFixed(0)]),
      ),
    );
  }
  if (r.scaling) {
    const s = r.scaling;
    out.push(
      '',
      `## Horizontal scaling (${s.video}, ${s.videoSeconds.toFixed(1)} s, ${s.shards} shards)`,
      '',
      table(
        [
          'detect + embed processes',
          'ORT threads per session',
          'wall s',
          'video s / wall s',
          'speed-up',
          'detect shards per process (per run)',
          'exactly once',
        ],
        s.points.map((p) => [
          p.workers,
          p.threadsPerSession,
          fmt(p.seconds),
          fmt(p.throughput, 2),
          `${p.speedup.toFixed(2)}×`,
          p.detectShardsPerProcess.map((x) => `[${x.join(',')}]`).join(' '),
          p.exactlyOnceProblems.length ? `NO: ${p.exactlyOnceProblems.join('; ')}` : 'yes',
        ]),
      ),
      '',
      `On ${m.cores} cores the speed-up is bounded by the cores: more processes share them (ORT threads per session = cores ÷ (processes × DETECT_CONCURRENCY)); on more machines or GPUs each process brings its own.`,
    );
  }
  return `${out.join('\n')}\n`;
}

const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '—');

/** Issue #21: the compute bound per video, Orion's efficiency against it, and where CPU is lost. */
function efficiencySection(videos: VideoResult[]): string[] {
  const out = [
    '',
    '## Efficiency (compute bound ÷ wall)',
    '',
    table(
      [
        'video',
        'bound s',
        'orion wall s',
        'efficiency',
        'orion / plain',
        'CPU alone s',
        'CPU in Orion s',
        'cores Orion got',
        'detections / entities (plain)',
      ],
      videos.flatMap((v) =>
        [{ label: 'defaults', ...v }, ...v.variants].map((x) => [
          v.variants.length ? `${v.video} (${x.label})` : v.video,
          fmt(x.efficiency.boundSeconds, 2),
          fmt(x.orionSeconds, 2),
          `**${fmt(x.efficiency.efficiency, 2)}**`,
          fmt(x.overheadRatio, 2),
          (x.efficiency.boundSeconds.median * x.efficiency.cores).toFixed(2),
          fmt(x.efficiency.orionCpuSeconds, 2),
          (x.efficiency.orionCpuSeconds.median / x.orionSeconds.median).toFixed(2),
          `${x.detections} / ${x.entities} (${v.plainDetections} / ${v.plainEntities})`,
        ]),
      ),
    ),
    '',
    `Bound: Σ CPU time of the stages measured alone at the same settings (ffmpeg decoding alone; the plain loop's detector, raw crops, embedder with verification, re-id on its classes' crops, cluster, each stage's process CPU time) ÷ ${videos[0]?.efficiency.cores ?? '?'} cores; efficiency: bound ÷ Orion's wall, paired run by run; variant rows (\`--variant\`): Orion stacks with other settings, each run right after the defaults' on the same video, against the same plain-loop runs. CPU in Orion: every Orion process's CPU time from /proc/<pid>/stat (own threads + exited children: ffmpeg, ffprobe) from upload to completion; cores Orion got: that CPU time ÷ wall (below the machine's cores when Orion waited, or when other work on a shared machine took cores: the load average says which).`,
  ];
  for (const v of videos) {
    for (const x of [{ label: 'defaults', ...v }, ...v.variants]) {
      out.push(
        '',
        `### ${v.video}${v.variants.length ? ` (${x.label})` : ''}: CPU per stage (s, median run)`,
        '',
        table(
          ['stage (process)', 'CPU alone', 'CPU in Orion', 'Orion − alone', 'jobs wall Σ', 'jobs wall − CPU'],
          x.efficiency.stages.map((s) => [
            s.stage,
            seconds(s.aloneCpuMs),
            seconds(s.orionCpuMs),
            seconds(s.orionCpuMs - s.aloneCpuMs),
            seconds(s.jobWallMs),
            seconds(s.jobWallMs - s.orionCpuMs),
          ]),
        ),
      );
    }
  }
  out.push(
    '',
    "Orion − alone: CPU the stage's process spent beyond the same work alone (crop JPEG encode and decode, store, the label check in the embed worker, oversubscribed threads, idle polling). Jobs wall − CPU: time the stage's jobs (summed; the detect worker runs two at once) were not on a core: waiting for ffmpeg, for the other process's threads or for the store.",
  );
  return out;
}
