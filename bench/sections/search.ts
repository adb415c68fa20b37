import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { COCO_LABELS } from '@orion/embeddings';
import {
  EntityIndex,
  NPROBES,
  REFINE_FACTOR,
  REID_INDEX,
  MAX_PARTITIONS,
  reidIndexConfig,
  vectorIndexConfig,
  SCALAR_INDICES,
  findMatches,
  readEntityRow,
  ensureScalarIndices,
  entityTableSchema,
  type EntityFilter,
  type EntityRow,
} from '@orion/entity-index';
import { seededRandom } from '../lib/seeded-random.js';

const TENANT = 'bench';
const DIM = 512;
/** Entities per synthetic video (the video filter picks VIDEO_FILTER of them). */
const PER_VIDEO = 50;
const VIDEO_FILTER = 20;
/** Latent objects the rows scatter around: ~200 rows each at 1 M, so the top 10 sit in a crowd. */
const ROWS_PER_OBJECT = 200;
/**
 * Per-dimension noise around an object, drawn per row between these (norm 0.23–1.1 in 512-d against
 * the unit centre): sharp crops sit near their object, poor ones far, as with real centroids.
 */
const NOISE = [0.01, 0.05] as const;
/** IVF partitions: LanceDB's default √rows (1000 at 1 M) trains k-means for about an hour on 2 cores. */
const BATCH = 10_000;
const LATENCY_QUERIES = 100;
/** Queries with an exact answer (flat scan) to score recall@10 against. */
const RECALL_QUERIES = 30;
const K = 10;
/** What every row (and every API query: `embeddingModel = …`) carries. */
const MODEL = 'bench/synthetic';
/** Person rows also carry a re-id centroid of this width and model, as OSNet's. */
const REID_DIM = 512;
const REID_MODEL = 'bench/reid';

export interface LatencyRow {
  filter: string;
  /** nprobes/refineFactor, or "exact". */
  plan: string;
  p50: number;
  p99: number;
  recallAt10: number | null;
  /** Mean hits returned (fewer than 10 means the filter left fewer rows in reach). */
  hits: number;
}

export interface SearchBenchResult {
  rows: number;
  dim: number;
  videos: number;
  /** null: the table of an earlier run was reused (--search-dir). */
  writeSeconds: number | null;
  compactSeconds: number | null;
  indexBuildSeconds: number | null;
  /** The re-id column's IVF_FLAT (person rows), as EntityIndex builds it. */
  reidIndexSeconds: number | null;
  /** Rows with a re-id vector. */
  reidRows: number;
  /** BTREE videoId, BITMAP label and embeddingModel (EntityIndex builds them beside the IVF-PQ). */
  scalarIndexSeconds: number | null;
  partitions: number;
  diskMiB: number;
  rssMiB: { afterBuild: number; afterQueries: number };
  chosen: { nprobes: number; refineFactor: number };
  latency: LatencyRow[];
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function du(dir: string): Promise<number> {
  let bytes = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) bytes += (await stat(join(e.parentPath, e.name))).size;
  }
  return bytes;
}

const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);

/**
 * Search at scale: `rows` synthetic entities (512-d unit vectors scattered around latent objects,
 * labels Zipf-distributed over the COCO labels in their order, 50 a video) in one tenant table on
 * the filesystem store, written in batches and compacted, then the production IVF-PQ index. Reports
 * latency p50/p99 of `EntityIndex.search` (top 10) without a filter, with a label filter and with a
 * video filter, for a sweep of nprobes × refine factors, recall@10 of each against the flat scan, and
 * the flat scan's own latency.
 */
export async function runSearchBench(opts: {
  rows: number;
  log: (line: string) => void;
  /** Keeps the table here and reuses it when a run with as many rows left it (reruns skip the build). */
  dir?: string;
}): Promise<SearchBenchResult> {
  const { rows, log } = opts;
  // Separate streams for the objects, the rows and the queries: a reused table gets the same queries.
  let rand = seededRandom(19);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const unit = (v: Float32Array) => {
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i]! /= n;
    return v;
  };
  // Zipf (s = 1) over the 80 COCO labels: person ~20 %, car ~7 %, dog ~1.2 %.
  const weights = COCO_LABELS.map((_, r) => 1 / (r + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const zipf = () => {
    let u = rand() * total;
    for (const [i, w] of weights.entries()) if ((u -= w) <= 0) return COCO_LABELS[i]!;
    return COCO_LABELS[0]!;
  };
  const objects = Math.max(10, Math.round(rows / ROWS_PER_OBJECT));
  const centres = Array.from({ length: objects }, () => unit(Float32Array.from({ length: DIM }, gauss)));
  const labels = centres.map(() => zipf());
  // Each latent object also has a re-id centre: person rows carry a re-id vector near it.
  const reidCentres = centres.map(() => unit(Float32Array.from({ length: REID_DIM }, gauss)));
  const near = (c: Float32Array) => {
    const sigma = NOISE[0] + rand() * (NOISE[1] - NOISE[0]);
    return unit(c.map((x) => x + gauss() * sigma));
  };

  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'orion-bench-search-')));
  const videos = Math.ceil(rows / PER_VIDEO);
  let built: Pick<
    SearchBenchResult,
    'writeSeconds' | 'compactSeconds' | 'indexBuildSeconds' | 'reidIndexSeconds' | 'scalarIndexSeconds'
  > = {
    writeSeconds: null,
    compactSeconds: null,
    indexBuildSeconds: null,
    reidIndexSeconds: null,
    scalarIndexSeconds: null,
  };
  try {
    if (opts.dir) await mkdir(opts.dir, { recursive: true });
    rand = seededRandom(20);
    if (await reusable(dir, rows)) log(`  reusing the table in ${dir}`);
    else built = await writeTable(dir);
  } catch (err) {
    if (!opts.dir) await rm(dir, { recursive: true, force: true });
    throw err;
  }

  async function writeTable(dir: string) {
    const db = await connect(dir);
    const table = await db.createEmptyTable(`entities-${TENANT}`, entityTableSchema(DIM, REID_DIM), {
      mode: 'overwrite',
    });
    log(`  writing ${rows} rows (${objects} latent objects, ${videos} videos) to ${dir}`);
    let t = performance.now();
    for (let start = 0; start < rows; start += BATCH) {
      const batch: EntityRow[] = [];
      for (let i = start; i < Math.min(rows, start + BATCH); i++) {
        const o = Math.floor(rand() * objects);
        const person = labels[o] === 'person';
        const first = Math.round(rand() * 600);
        batch.push({
          tenantId: TENANT,
          videoId: `v${Math.floor(i / PER_VIDEO)}`,
          runId: 'r1',
          entityId: `e${i % PER_VIDEO}`,
          label: labels[o]!,
          firstSeen: first,
          lastSeen: first + 1 + Math.round(rand() * 30),
          observationCount: 1 + Math.floor(rand() * 40),
          flaggedObservations: rand() < 0.05 ? 1 : 0,
          likelyFalsePositive: false,
          tags: [],
          embeddingModel: MODEL,
          vector: Array.from(near(centres[o]!)),
          reidModel: person ? REID_MODEL : null,
          reidVector: person ? Array.from(near(reidCentres[o]!)) : null,
        });
      }
      await table.add(batch as unknown as Record<string, unknown>[]);
      if ((start / BATCH) % 10 === 9) log(`  … ${start + BATCH} rows`);
    }
    const writeSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await table.optimize();
    const compactSeconds = (performance.now() - t) / 1000;
    log(
      `  written in ${writeSeconds.toFixed(1)} s, compacted in ${compactSeconds.toFixed(1)} s; building IVF-PQ`,
    );
    t = performance.now();
    // The entity index's IVF-PQ as a rebuild trains it (cosine, PQ defaults, partitions capped).
    await table.createIndex('vector', { config: vectorIndexConfig(rows), name: 'vector_idx' });
    const indexBuildSeconds = (performance.now() - t) / 1000;
    log(`  IVF-PQ built in ${indexBuildSeconds.toFixed(1)} s`);
    t = performance.now();
    // The re-id column's index as EntityIndex builds it (IVF_FLAT, cosine), partitions capped alike.
    const reidRows = await table.countRows('`reidVector` IS NOT NULL');
    await table.createIndex('reidVector', {
      config: reidIndexConfig(reidRows),
      name: REID_INDEX,
    });
    const reidIndexSeconds = (performance.now() - t) / 1000;
    log(`  re-id IVF_FLAT on ${reidRows} rows built in ${reidIndexSeconds.toFixed(1)} s`);
    t = performance.now();
    await ensureScalarIndices(table);
    const scalarIndexSeconds = (performance.now() - t) / 1000;
    log(`  scalar indices built in ${scalarIndexSeconds.toFixed(1)} s`);
    table.close();
    db.close();
    return { writeSeconds, compactSeconds, indexBuildSeconds, reidIndexSeconds, scalarIndexSeconds };
  }

  try {
    rand = seededRandom(21);

    const index = await EntityIndex.open({ location: { uri: dir }, annMinRows: Number.MAX_SAFE_INTEGER });
    // Queries near random objects; the label-filtered ones near objects of that label.
    const dogObjects = centres.filter((_, i) => labels[i] === 'dog');
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
    const queries = Array.from({ length: LATENCY_QUERIES }, () => near(pick(centres)));
    const dogQueries = Array.from({ length: LATENCY_QUERIES }, () =>
      near(pick(dogObjects.length ? dogObjects : centres)),
    );
    const videoIds = Array.from({ length: VIDEO_FILTER }, () => `v${Math.floor(rand() * videos)}`);
    // Every case carries the API's own `embeddingModel = …` condition.
    const cases: { name: string; qs: Float32Array[]; filter: EntityFilter }[] = [
      { name: 'none', qs: queries, filter: { embeddingModel: MODEL } },
      { name: 'label = dog', qs: dogQueries, filter: { labels: ['dog'], embeddingModel: MODEL } },
      { name: `${VIDEO_FILTER} videos`, qs: queries, filter: { videoIds, embeddingModel: MODEL } },
    ];
    await index.search(TENANT, { vector: queries[0]!, limit: K }); // open the table, warm the cache
    const afterBuild = rssMiB();

    const latency: LatencyRow[] = [];
    const run = async (
      c: (typeof cases)[number],
      n: number,
      plan: { exact?: boolean; nprobes?: number; refineFactor?: number },
    ) => {
      const ms: number[] = [];
      const keys: string[][] = [];
      for (const q of c.qs.slice(0, n)) {
        const started = performance.now();
        const hits = await index.search(TENANT, { vector: q, limit: K, filter: c.filter, ...plan });
        ms.push(performance.now() - started);
        keys.push(hits.map((h) => `${h.videoId}/${h.entityId}`));
      }
      return { ms, keys };
    };
    const plans: { nprobes?: number; refineFactor?: number }[] = [
      { nprobes: 10, refineFactor: 5 },
      { nprobes: 10, refineFactor: 10 },
      { nprobes: NPROBES, refineFactor: REFINE_FACTOR },
      { nprobes: 40, refineFactor: 10 },
      { nprobes: 40, refineFactor: 20 },
    ];
    for (const c of cases) {
      log(`  filter ${c.name}: flat scan on ${RECALL_QUERIES} queries`);
      const exact = await run(c, RECALL_QUERIES, { exact: true });
      latency.push({
        filter: c.name,
        plan: 'exact (flat scan)',
        p50: pct(exact.ms, 50),
        p99: pct(exact.ms, 99),
        recallAt10: 1,
        hits: exact.keys.reduce((s, k) => s + k.length, 0) / exact.keys.length,
      });
      // A video filter is always answered exactly (EntityIndex.search): the ANN plans do not apply.
      for (const plan of c.filter.videoIds ? [{}] : plans) {
        const ann = await run(c, LATENCY_QUERIES, plan);
        let found = 0;
        let wanted = 0;
        exact.keys.forEach((truth, i) => {
          const got = new Set(ann.keys[i]);
          wanted += truth.length;
          found += truth.filter((k) => got.has(k)).length;
        });
        const row: LatencyRow = {
          filter: c.name,
          plan: c.filter.videoIds
            ? "production (exact on the videos' rows)"
            : `nprobes ${plan.nprobes}, refine ${plan.refineFactor}`,
          p50: pct(ann.ms, 50),
          p99: pct(ann.ms, 99),
          recallAt10: wanted ? found / wanted : null,
          hits: ann.keys.reduce((s, k) => s + k.length, 0) / ann.keys.length,
        };
        latency.push(row);
        log(
          `  ${row.filter} / ${row.plan}: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, recall@10 ${row.recallAt10?.toFixed(3)}`,
        );
      }
    }
    // Matches (GET …/matches): person entities of other videos by re-id centroid, on the column's
    // IVF_FLAT, against the exact scan with the same conditions.
    const table = (await index.readTable(TENANT))!;
    const reidRows = await table.countRows('`reidVector` IS NOT NULL');
    const people = await table
      .query()
      .where(`label = 'person'`)
      .select(['videoId', 'entityId'])
      .limit(LATENCY_QUERIES)
      .offset(Math.floor(rand() * Math.max(1, reidRows - LATENCY_QUERIES)))
      .toArray();
    const matchMs: number[] = [];
    const exactMs: number[] = [];
    let found = 0;
    let wanted = 0;
    for (const [i, p] of people.entries()) {
      const entity = (await readEntityRow(index, TENANT, String(p.videoId), String(p.entityId)))!;
      const started = performance.now();
      const got = await findMatches(index, entity, { limit: K, minScore: 0 });
      matchMs.push(performance.now() - started);
      if (i >= RECALL_QUERIES) continue;
      const exactStarted = performance.now();
      const exact = await table
        .vectorSearch(entity.reidVector!)
        .column('reidVector')
        .distanceType('cosine')
        .bypassVectorIndex()
        .where(`videoId != '${entity.videoId}' AND label = 'person' AND reidModel = '${REID_MODEL}'`)
        .select(['videoId', 'entityId', '_distance'])
        .limit(K)
        .toArray();
      exactMs.push(performance.now() - exactStarted);
      const keys = new Set(got.map((m) => `${m.row.videoId}/${m.row.entityId}`));
      wanted += exact.length;
      found += exact.filter((r) => keys.has(`${r.videoId}/${r.entityId}`)).length;
    }
    latency.push({
      filter: 'matches of a person (re-id, other videos)',
      plan: 'exact (flat scan)',
      p50: pct(exactMs, 50),
      p99: pct(exactMs, 99),
      recallAt10: 1,
      hits: K,
    });
    const matchRow: LatencyRow = {
      filter: 'matches of a person (re-id, other videos)',
      plan: `IVF_FLAT, nprobes ${NPROBES}`,
      p50: pct(matchMs, 50),
      p99: pct(matchMs, 99),
      recallAt10: wanted ? found / wanted : null,
      hits: K,
    };
    latency.push(matchRow);
    log(
      `  ${matchRow.filter}: p50 ${matchRow.p50.toFixed(1)} ms, p99 ${matchRow.p99.toFixed(1)} ms, recall@10 ${matchRow.recallAt10?.toFixed(3)}`,
    );

    const result: SearchBenchResult = {
      rows,
      reidRows,
      dim: DIM,
      videos,
      ...built,
      partitions: Math.min(MAX_PARTITIONS, Math.round(Math.sqrt(rows))),
      diskMiB: Math.round((await du(dir)) / 2 ** 20),
      rssMiB: { afterBuild, afterQueries: rssMiB() },
      chosen: { nprobes: NPROBES, refineFactor: REFINE_FACTOR },
      latency,
    };
    index.close();
    return result;
  } finally {
    if (!opts.dir) await rm(dir, { recursive: true, force: true });
  }
}

/** A table an earlier run left in `dir` with `rows` rows and all its indices. */
async function reusable(dir: string, rows: number): Promise<boolean> {
  try {
    const table = await (await connect(dir)).openTable(`entities-${TENANT}`);
    const names = (await table.listIndices()).map((i) => i.name);
    const wanted = ['vector_idx', REID_INDEX, ...SCALAR_INDICES.map((s) => s.name)];
    return (await table.countRows()) === rows && wanted.every((n) => names.includes(n));
  } catch {
    return false;
  }
}

const secs = (x: number | null) => (x === null ? 'reused' : `${x.toFixed(1)} s`);

export function renderSearchBench(r: SearchBenchResult): string {
  const lines = [
    `### Search at scale (issue #19)`,
    '',
    `${r.rows} entities (${r.dim}-d, ${r.videos} videos): write ${secs(r.writeSeconds)}, compaction ${secs(r.compactSeconds)}, IVF-PQ build (${r.partitions} partitions) ${secs(r.indexBuildSeconds)}, re-id IVF_FLAT on ${r.reidRows} person rows ${secs(r.reidIndexSeconds)}, scalar indices ${secs(r.scalarIndexSeconds)}; on disk ${r.diskMiB} MiB; RSS ${r.rssMiB.afterBuild} MiB after opening, ${r.rssMiB.afterQueries} MiB after the queries. Production plan: nprobes ${r.chosen.nprobes}, refine ${r.chosen.refineFactor}.`,
    '',
    '| filter | plan | p50 ms | p99 ms | recall@10 | hits |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.latency.map(
      (l) =>
        `| ${l.filter} | ${l.plan} | ${l.p50.toFixed(1)} | ${l.p99.toFixed(1)} | ${l.recallAt10 === null ? '–' : l.recallAt10.toFixed(3)} | ${l.hits.toFixed(1)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
