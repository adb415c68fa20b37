/**
 * HDBSCAN benchmark against the reference figures (scikit-learn-contrib hdbscan, exact `generic`
 * algorithm, measured on the project's 2-core machine). Each case runs in its own process; the time is
 * the whole hdbscan() call (worker start, distances, spanning tree, tree) on generated embeddings, the
 * memory is that process's peak RSS (data included). Goals: ≤ ½ the reference's time, ≤ ¼ its memory.
 *
 *   npm run bench                 # from packages/hdbscan
 *   npm run bench -- --repeat 3   # best of 3 runs per case (timings on a shared machine are noisy)
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

interface CaseResult {
  rows: number;
  cols: number;
  metric: string;
  seconds: number;
  cpuSeconds: number;
  /** The machine's 1-minute load average before and after the run (other work slows timings down). */
  load: [number, number];
  stages: { distances: number; spanningTree: number; tree: number; total: number };
  kernel: string;
  peakRssBytes: number;
  clusters: number;
  noise: number;
}

const cases = [
  { rows: 10_000, cols: 512, metric: 'euclidean', reference: { seconds: 12.2, bytes: 3.3e9 } },
  { rows: 20_000, cols: 2_048, metric: 'cosine', reference: { seconds: 56.7, bytes: 13.2e9 } },
];

const repeatAt = process.argv.indexOf('--repeat');
const repeat = repeatAt > 0 ? Math.max(1, Number(process.argv[repeatAt + 1])) : 1;
const caseScript = fileURLToPath(new URL('./bench-case.ts', import.meta.url));

function runCase(rows: number, cols: number, metric: string): CaseResult {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=orion-source', caseScript, String(rows), String(cols), metric],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split('\n').at(-1)!) as CaseResult;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
console.log(
  `HDBSCAN benchmark on ${availableParallelism()} × ${cpus()[0]?.model ?? 'CPU'}, best of ${repeat}`,
);
let allMet = true;
for (const c of cases) {
  const runs = Array.from({ length: repeat }, () => runCase(c.rows, c.cols, c.metric));
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const peak = Math.max(...runs.map((r) => r.peakRssBytes));
  const timeRatio = best.seconds / c.reference.seconds;
  const memoryRatio = peak / c.reference.bytes;
  const met = timeRatio <= 0.5 && memoryRatio <= 0.25;
  allMet &&= met;
  console.log(
    [
      `\n${c.rows} × ${c.cols} (${c.metric}, ${best.kernel} kernel): ${best.clusters} clusters, ${best.noise} noise points`,
      `  time   ${best.seconds.toFixed(2)} s  (distances ${best.stages.distances.toFixed(2)} s, spanning tree ${best.stages.spanningTree.toFixed(2)} s, tree ${best.stages.tree.toFixed(2)} s)` +
        `  vs reference ${c.reference.seconds} s  → ${timeRatio.toFixed(2)}× (goal ≤ 0.50×)` +
        (repeat > 1 ? `  [all runs: ${runs.map((r) => r.seconds.toFixed(2)).join(', ')} s]` : ''),
      `  cpu    ${best.cpuSeconds.toFixed(2)} s of processor time; machine load average ${best.load.map((l) => l.toFixed(1)).join(' → ')} on ${availableParallelism()} cores`,
      `  memory ${gb(peak)} peak RSS  vs reference ${gb(c.reference.bytes)}  → ${memoryRatio.toFixed(2)}× (goal ≤ 0.25×)`,
      `  ${met ? 'goals met' : 'GOALS NOT MET'}`,
    ].join('\n'),
  );
}
console.log(`\n${allMet ? 'All goals met.' : 'Some goals not met.'}`);
