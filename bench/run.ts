/**
 * `npm run bench`: Orion's throughput and costs on this machine, in one run (never part of `npm test`).
 *
 * 1. End to end: every fixture video through the real API, queues and workers (local Redis, filesystem
 *    store, one process per worker kind), against the same work done by a plain single-process loop;
 *    with stage costs (decode, detector, embedder, clustering, per-shard queue and storage overhead).
 * 2. The embedder at batch 1/8/32 on real crops.
 * 3. Horizontal scaling: 1, 2, 4 detect + embed worker processes on a longer video, each run checked
 *    for exactly-once processing of every shard.
 *
 * Prints a markdown report and writes it, with a JSON twin, to bench/results/. Options:
 *   --repeat N            runs per measurement (median, min–max shown)            [3]
 *   --videos a.mp4,b.mp4  end-to-end videos (names in ../shared/fixtures/videos or paths) [all fixtures]
 *   --scaling-videos …    fixtures concatenated into the scaling video
 *   --workers 1,2,4       worker processes per kind for the scaling runs
 *   --scaling-repeat N    runs per worker count                                     [--repeat]
 *   --sections e2e,batches,scaling   (and search: the entity index at scale, issue #19)
 *   --search-rows N       synthetic entities of the search section                 [1000000]
 *   --search-dir DIR      keep the search section's table there; a rerun with as many rows reuses it
 *   --variant A=1,B=2     end to end also through an Orion stack with these settings, run right
 *                         after the default one on each video (repeatable: one stack each)
 * Settings come from the environment as for the services (TARGET_FPS, EXECUTION_PROVIDER=cuda …).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, projectRoot } from '@orion/shared';
import { fixturePath } from '@orion/testkit';
import { BenchStack } from './lib/bench-stack.js';
import { concatenatedVideo } from './lib/long-video.js';
import { describeMachine } from './lib/machine.js';
import { PlainPipeline } from './lib/plain-pipeline.js';
import { renderMarkdown, type BenchReport } from './lib/report.js';
import { measureEmbedBatches } from './sections/embed-batches.js';
import { runEndToEnd } from './sections/end-to-end.js';
import { runScaling } from './sections/scaling.js';
import { renderSearchBench, runSearchBench, type SearchBenchResult } from './sections/search.js';

const { values: args } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    videos: { type: 'string' },
    'scaling-videos': {
      type: 'string',
      default: 'intel_bottle-detection.mp4,intel_car-detection.mp4',
    },
    workers: { type: 'string', default: '1,2,4' },
    'scaling-repeat': { type: 'string' },
    sections: { type: 'string', default: 'e2e,batches,scaling' },
    variant: { type: 'string', multiple: true, default: [] },
    'search-rows': { type: 'string', default: '1000000' },
    'search-dir': { type: 'string' },
  },
});
const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const positive = (name: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${v}"`);
  return n;
};
const repeat = positive('repeat', args.repeat);
const scalingRepeat = positive('scaling-repeat', args['scaling-repeat'] ?? args.repeat);
const workerCounts = list(args.workers).map((w) => positive('workers', w));
const sections = new Set(list(args.sections));
/** `A=1,B=2` → the environment a variant stack's processes get on top of the bench's. */
const variantEnv = (spec: string): Record<string, string> =>
  Object.fromEntries(
    list(spec).map((pair) => {
      const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
      if (!m) throw new Error(`--variant takes NAME=value pairs separated by commas, got "${pair}"`);
      return [m[1]!, m[2]!];
    }),
  );
const variantSpecs = args.variant.map((spec) => ({ label: spec, env: variantEnv(spec) }));
const videoPath = (v: string) => (existsSync(v) ? resolve(v) : fixturePath('videos', v));

const log = (line: string) => console.error(line);
const root = projectRoot();
const startedAt = new Date();
const config = loadConfig(process.env);
const machine = describeMachine();
const env: Record<string, string> = { LOG_LEVEL: 'warn' };
const report: BenchReport = {
  startedAt: startedAt.toISOString(),
  durationSeconds: 0,
  machine,
  settings: {
    executionProvider: config.executionProvider,
    providersUsed: [],
    targetFps: config.pipeline.targetFps,
    shardSeconds: config.pipeline.shardSeconds,
    repeat,
    detector: config.detector.model,
    embedder: config.embedding.model === 'clip' ? config.embedding.clipModel : 'vision (MobileNetV2)',
    onnxThreads: config.onnxThreads,
    concurrency: { detect: config.detector.concurrency, embed: config.embedding.concurrency },
  },
};

log(
  `bench: ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverage}; provider ${config.executionProvider}; median of ${repeat}`,
);

if (sections.has('e2e') || sections.has('batches')) {
  const files = args.videos
    ? list(args.videos).map(videoPath)
    : (await readdir(fixturePath('videos')))
        .filter((f) => f.endsWith('.mp4'))
        .sort()
        .map((f) => fixturePath('videos', f));
  log(`▶ end to end and plain loop: ${files.length} videos × ${repeat}`);
  const plain = await PlainPipeline.load(config);
  const stack = await BenchStack.start({ workers: 1, env });
  const variants: { label: string; stack: BenchStack }[] = [];
  try {
    for (const v of variantSpecs) {
      variants.push({
        label: v.label,
        stack: await BenchStack.start({ workers: 1, env: { ...env, ...v.env } }),
      });
    }
    const e2e = await runEndToEnd({
      stack,
      plain,
      variants,
      files,
      fps: config.pipeline.targetFps,
      cores: machine.cores,
      repeat: sections.has('e2e') ? repeat : 1,
      sampleCropsPerVideo: 16,
      log,
    });
    if (sections.has('e2e')) report.endToEnd = e2e.videos;
    report.settings.providersUsed = [
      ...new Set([...e2e.videos.flatMap((v) => v.providers), ...Object.values(plain.providers)]),
    ];
    if (sections.has('batches')) {
      log(`▶ embedder at batch 1/8/32 on ${e2e.sampleCrops.length} crops`);
      // A multiple of 32 crops, so every batch size sees the same ones.
      const crops = e2e.sampleCrops.slice(
        0,
        Math.max(32, e2e.sampleCrops.length - (e2e.sampleCrops.length % 32)),
      );
      report.embedBatches = await measureEmbedBatches(config, crops, plain.labels, [1, 8, 32], repeat);
    }
  } finally {
    for (const v of variants) await v.stack.stop();
    await stack.stop();
    await plain.close();
  }
}

if (sections.has('scaling')) {
  const parts = list(args['scaling-videos']).map(videoPath);
  const file = parts.length > 1 ? await concatenatedVideo(parts, join(root, '.orion', 'bench')) : parts[0]!;
  log(`▶ horizontal scaling on ${file}: ${workerCounts.join(', ')} worker(s) × ${scalingRepeat}`);
  report.scaling = await runScaling({
    file,
    label: parts.length > 1 ? `fixtures back to back: ${list(args['scaling-videos']).join(' + ')}` : file,
    workerCounts,
    repeat: scalingRepeat,
    cores: machine.cores,
    sessionsPerProcess: config.detector.concurrency,
    env,
    log,
  });
}

let searchBench: SearchBenchResult | undefined;
if (sections.has('search')) {
  log(`▶ search at scale: ${args['search-rows']} synthetic entities`);
  searchBench = await runSearchBench({
    rows: positive('search-rows', args['search-rows']),
    dir: args['search-dir'] && resolve(args['search-dir']),
    log,
  });
}

report.durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
const markdown = renderMarkdown(report) + (searchBench ? `\n${renderSearchBench(searchBench)}` : '');
const outDir = join(root, 'bench', 'results');
await mkdir(outDir, { recursive: true });
const stem = join(outDir, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}`);
await writeFile(`${stem}.md`, markdown);
await writeFile(`${stem}.json`, `${JSON.stringify({ ...report, search: searchBench }, null, 2)}\n`);
process.stdout.write(`\n${markdown}\nwrote ${stem}.md and ${stem}.json\n`);
