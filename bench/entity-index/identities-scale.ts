/**
 * The identities job's grouping (`groupIdentities`, as the API runs it: HDBSCAN in a worker thread
 * above a few hundred entities) on one label family of N synthetic people: 512-d re-id centroids, four
 * appearances per person spread over videos of 50 entities. Prints per N the wall time, the
 * identities found and the process's peak RSS (VmHWM; sizes run in the order given, so give them
 * ascending), and for sizes over IDENTITIES_MAX_POOL what the cut leaves out. The figures behind
 * IDENTITIES_MAX_POOL's default (docs/operations.md, "Identities at scale").
 *
 * With `--index-dir DIR` it measures the job's reading instead, on the entity table of tenant
 * `bench` there (the search bench's, `--search-dir` of `bench --sections search`): the fields of every
 * row, the plan, and the kept rows with their vectors, each with its time and the heap after it.
 *
 *   npm run bench:identities -- [N=2000 8000 20000 …] [--max-pool M]
 *   npm run bench:identities -- --index-dir /work/notes/search1m [--max-pool M]
 */
import { readFileSync } from 'node:fs';
import { EntityIndex, readTenantFields, readTenantRowsKept, type EntityRow } from '@orion/entity-index';
import { DEFAULT_IDENTITIES_MAX_POOL } from '@orion/shared';
import { groupIdentities, rowsToGroup } from '../../apps/api/src/services/identity-grouping.js';
import { seededRandom } from '../lib/seeded-random.js';

const DIM = 512;
const PER_VIDEO = 50;
const APPEARANCES = 4;

const args = process.argv.slice(2);
const poolAt = args.indexOf('--max-pool');
const maxPool = poolAt >= 0 ? Number(args.splice(poolAt, 2)[1]) : DEFAULT_IDENTITIES_MAX_POOL;
const dirAt = args.indexOf('--index-dir');
const indexDir = dirAt >= 0 ? args.splice(dirAt, 2)[1] : undefined;
const sizes = args.length > 0 ? args.map(Number) : [2000, 8000, 20000];

const peakMiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

function people(n: number): EntityRow[] {
  const rand = seededRandom(n);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const normalise = (v: number[]) => {
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const centres = Array.from({ length: Math.ceil(n / APPEARANCES) }, () =>
    normalise(Array.from({ length: DIM }, gauss)),
  );
  return Array.from({ length: n }, (_, i) => ({
    tenantId: 'bench',
    videoId: `v${Math.floor(i / PER_VIDEO)}`,
    runId: 'r1',
    entityId: `e${i % PER_VIDEO}`,
    label: 'person',
    // Each entity in view alone in its video: cannot-link never splits, the grouping is measured.
    firstSeen: (i % PER_VIDEO) * 10,
    lastSeen: (i % PER_VIDEO) * 10 + 5,
    observationCount: 1 + Math.floor(rand() * 40),
    flaggedObservations: 0,
    likelyFalsePositive: false,
    tags: [],
    embeddingModel: 'vision/bench',
    vector: null,
    reidModel: 'osnet@bench',
    // Person i % centres: appearances of one person fall in different videos.
    reidVector: normalise(centres[i % centres.length]!.map((x) => x + 0.03 * gauss())),
  }));
}

if (indexDir) {
  const index = await EntityIndex.open({ location: { uri: indexDir }, annMinRows: Number.MAX_SAFE_INTEGER });
  const heapMiB = () => Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  const step = async <T>(name: string, work: () => Promise<T> | T, say: (r: T) => string) => {
    const started = performance.now();
    const result = await work();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`| ${name} | ${say(result)} | ${seconds} | ${heapMiB()} | ${Math.round(peakMiB())} |`);
    return result;
  };
  console.log(`identities job's reads of tenant bench in ${indexDir}, IDENTITIES_MAX_POOL ${maxPool}`);
  console.log('| step | rows | seconds | heap MiB after | peak RSS MiB |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const fields = await step(
    'fields of every row',
    () => readTenantFields(index, 'bench'),
    (f) => `${f.length}`,
  );
  const plan = await step(
    'plan',
    () => rowsToGroup(fields, maxPool),
    (p) => `${p.keep.size} kept, ${p.leftOut} left out`,
  );
  await step(
    'kept rows with vectors',
    () => readTenantRowsKept(index, 'bench', plan.keep),
    (r) => `${r.length}`,
  );
  index.close();
  process.exit(0);
}

console.log(`identities of one label family, ${DIM}-d re-id vectors, IDENTITIES_MAX_POOL ${maxPool}`);
console.log('| entities | grouped | left out | identities | seconds | peak RSS MiB |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const n of sizes) {
  const rows = people(n);
  const started = performance.now();
  const file = await groupIdentities('bench', rows, new Date(), maxPool);
  const seconds = (performance.now() - started) / 1000;
  const { entities, leftOut, identities } = file.counts;
  console.log(
    `| ${n} | ${entities} | ${leftOut ?? 0} | ${identities} | ${seconds.toFixed(1)} | ${Math.round(peakMiB())} |`,
  );
}
