/**
 * One benchmark case in a fresh process (so its peak RSS is its own): generates the data, clusters it
 * with hdbscan() (worker thread, onnxruntime kernel) and prints one JSON line with time and memory.
 * Usage: tsx --conditions=orion-source bench/bench-case.ts <rows> <cols> <metric>
 */
import { loadavg } from 'node:os';
import { hdbscan, type Metric } from '../src/index.js';
import { generateEmbeddings } from './generate-embeddings.js';

const [rows, cols] = [Number(process.argv[2]), Number(process.argv[3])];
const metric = process.argv[4] as Metric;
if (!(rows > 0 && cols > 0 && (metric === 'euclidean' || metric === 'cosine'))) {
  throw new Error('usage: bench-case.ts <rows> <cols> <euclidean|cosine>');
}

const data = generateEmbeddings(rows, cols, 60, 20_240_601);
const loadBefore = loadavg()[0]!;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = await hdbscan({ data, rows, cols }, { metric, minClusterSize: 5 });
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);

console.log(
  JSON.stringify({
    rows,
    cols,
    metric,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    load: [loadBefore, loadavg()[0]!],
    stages: result.stats.seconds,
    kernel: result.stats.kernel,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    clusters: result.clusterCount,
    noise: result.labels.filter((l) => l === -1).length,
  }),
);
