/**
 * The entity index on small tables (the range INDEX_MIN_ROWS decides about): for N synthetic entities
 * (512-d unit vectors around 200 latent objects, labels drawn like a street scene) in a temp folder,
 * prints the time to write them video by video (50 entities a video), p50/p99 exact search latency
 * with and without a label filter, and after building the IVF-PQ index: its build time, p50/p99 and
 * recall@10 against the exact answer.
 *
 *   npx tsx --conditions=orion-source bench/entity-index/small-table.ts [N=20000 …]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityIndex, MIN_ANN_ROWS, type EntityRow } from '@orion/entity-index';
import { seededRandom } from '../lib/seeded-random.js';

const DIM = 512;
const QUERIES = 100;
const PER_VIDEO = 50;
const LABELS = ['person', 'person', 'person', 'person', 'car', 'car', 'bicycle', 'bottle', 'dog', 'backpack'];

const rand = seededRandom(7);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const normalise = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const centres = Array.from({ length: 200 }, () => normalise(Array.from({ length: DIM }, gauss)));
const near = (c: number[]) => normalise(c.map((x) => x + gauss() * 0.05));

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function timed(queries: number[][], run: (q: number[]) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    await run(q);
    ms.push(performance.now() - t);
  }
  return ms;
}

const fmt = (ms: number[]) => `p50 ${pct(ms, 50).toFixed(1)} ms, p99 ${pct(ms, 99).toFixed(1)} ms`;

for (const n of (process.argv.slice(2).length ? process.argv.slice(2) : ['20000']).map(Number)) {
  const dir = await mkdtemp(join(tmpdir(), 'orion-bench-index-'));
  // annMinRows above n: the table stays exact until the index is built below on purpose.
  const index = await EntityIndex.open({ location: { uri: dir }, annMinRows: Math.max(n + 1, MIN_ANN_ROWS) });
  let writeMs = 0;
  for (let v = 0; v * PER_VIDEO < n; v++) {
    const rows: EntityRow[] = [];
    for (let e = 0; e < PER_VIDEO && v * PER_VIDEO + e < n; e++) {
      rows.push({
        tenantId: 'bench',
        videoId: `v${v}`,
        runId: 'r1',
        entityId: `e${e}`,
        label: LABELS[Math.floor(rand() * LABELS.length)]!,
        firstSeen: e,
        lastSeen: e + 5,
        observationCount: 10,
        flaggedObservations: 0,
        likelyFalsePositive: false,
        tags: [],
        embeddingModel: 'bench/synthetic',
        vector: near(centres[Math.floor(rand() * centres.length)]!),
        reidModel: null,
        reidVector: null,
      });
    }
    const t = performance.now();
    await index.replaceVideo('bench', `v${v}`, rows);
    writeMs += performance.now() - t;
  }
  const videos = Math.ceil(n / PER_VIDEO);
  const queries = Array.from({ length: QUERIES }, () => near(centres[Math.floor(rand() * centres.length)]!));
  const search = (q: number[], labels?: string[]) =>
    index.search('bench', { vector: q, limit: 10, filter: labels ? { labels } : {} });
  await search(queries[0]!); // open the table, warm the page cache
  const exact = await timed(queries, (q) => search(q));
  const exactFiltered = await timed(queries, (q) => search(q, ['dog']));
  const truth = await Promise.all(
    queries.map(async (q) => (await search(q)).map((h) => `${h.videoId}/${h.entityId}`)),
  );

  const { Index, connect } = await import('@lancedb/lancedb');
  const table = await (await connect(dir)).openTable('entities-bench');
  const t = performance.now();
  await table.createIndex('vector', { config: Index.ivfPq({ distanceType: 'cosine' }), name: 'vector_idx' });
  const buildMs = performance.now() - t;
  const ann = await timed(queries, (q) => search(q));
  const annFiltered = await timed(queries, (q) => search(q, ['dog']));
  let found = 0;
  for (const [i, q] of queries.entries()) {
    const got = new Set((await search(q)).map((h) => `${h.videoId}/${h.entityId}`));
    found += truth[i]!.filter((k) => got.has(k)).length;
  }
  console.log(
    [
      `N=${n} (${videos} videos of ${PER_VIDEO}, ${DIM}-d)`,
      `  write: ${(writeMs / videos).toFixed(1)} ms per video (${(writeMs / 1000).toFixed(1)} s in all)`,
      `  exact search:            ${fmt(exact)}`,
      `  exact search, label=dog: ${fmt(exactFiltered)}`,
      `  IVF-PQ build: ${(buildMs / 1000).toFixed(2)} s`,
      `  IVF-PQ search:            ${fmt(ann)}  (exact/ANN p50 ${(pct(exact, 50) / pct(ann, 50)).toFixed(1)}x)`,
      `  IVF-PQ search, label=dog: ${fmt(annFiltered)}`,
      `  IVF-PQ recall@10 vs exact: ${(found / (truth.flat().length || 1)).toFixed(3)}`,
    ].join('\n'),
  );
  index.close();
  await rm(dir, { recursive: true, force: true });
}
