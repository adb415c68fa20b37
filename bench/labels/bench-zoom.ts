/**
 * Does a second look by the SAME detector (YOLOX-Nano) at the detection's region, scaled up to
 * fill its input, add to the calibrated label check? And at what cost per crop?
 *
 *   npm run bench:labels-zoom [-- --images DIR --coco FILE]
 *
 * For every detection of coco128 (as bench:labels): the zoomed look from the stored crop (box +
 * CROP_MARGIN, what the embed stage has) and from wider context crops (the box grown 2× and 3×,
 * cut and encoded as the detect stage cuts crops), each also mirrored (test-time augmentation).
 * Each variant's features join the v2 model's (detector, box, embedding, frame) and the logistic
 * model is refitted and scored with the same 5-fold cross-validation over images as bench:labels.
 * Two-stage rows run the zoomed look only where v2's own cross-validated probability is in an
 * uncertain band, and keep v2's probability elsewhere. Then the cost per crop, back to back.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SECOND_LOOK, Detector, SecondLook, ZoomLook, type ZoomView } from '@orion/detector';
import {
  FEATURES,
  createEmbeddingModel,
  featureVector,
  fitLogistic,
  predictLogistic,
  selectFeatures,
} from '@orion/embeddings';
import { decodeImage, sharedDir } from '@orion/shared';
import { EvidenceCache, MODEL_GROUPS } from './calibrated.js';
import { collectSamples } from './collect.js';
import { loadCoco } from './dataset.js';
import {
  contextCrop,
  gatherZoomViews,
  sourceName,
  zoomFeatures,
  zoomItem,
  type ZoomSource,
} from './zoom-views.js';

const shared = sharedDir();
if (!shared) throw new Error('../shared (models and fixtures) is missing');
const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: join(shared, 'fixtures', 'photos', 'coco128', 'images') },
    coco: { type: 'string', default: join(shared, 'fixtures', 'photos', 'coco128', 'instances.json') },
    // The zoomed views as JSON: read when the file exists, else gathered and written (reruns of the fitting).
    cache: { type: 'string' },
  },
});
const FOLDS = 5;
const log = (line: string) => process.stderr.write(`${line}\n`);
const common = { modelsDir: join(shared, 'models'), executionProvider: 'cpu' as const, intraOpThreads: 1 };
const yolox = (scoreThreshold: number) =>
  Detector.load({ ...common, model: 'yolox_nano', interOpThreads: 1, scoreThreshold, batchSize: 1 });

const detector = await yolox(0.3);
const images = await loadCoco(args.coco, args.images, detector.labels);
const samples = await collectSamples(images, detector, 0.1);
const labels = detector.labels;
await detector.close();

// A low score threshold: the zoomed look's scores are evidence, graded rather than cut at 0.3.
const low = await yolox(0.05);
const zoom = new ZoomLook(low, { matchIou: 0.5, overlapIou: 0.3, flip: true });
const sources: ZoomSource[] = [{ kind: 'crop' }, { kind: 'context', grow: 2 }, { kind: 'context', grow: 3 }];
log(`bench:labels-zoom: ${samples.length} detections; zoomed looks (${sources.map(sourceName).join(', ')})…`);
const views: ZoomView[][] =
  args.cache && existsSync(args.cache)
    ? JSON.parse(await readFile(args.cache, 'utf8'))
    : await gatherZoomViews(samples, images, zoom, sources);
if (views.length !== samples.length) throw new Error(`${args.cache} holds views of another detection set`);
if (args.cache) await writeFile(args.cache, JSON.stringify(views));

const model = await createEmbeddingModel({ backend: 'vision', ...common, interOpThreads: 1, batchSize: 16 });
const look = await SecondLook.load({ ...DEFAULT_SECOND_LOOK, ...common });
const cache = new EvidenceCache(model, look, labels, samples);
const judgedIdx = samples.map((_, i) => i).filter((i) => samples[i]!.outcome !== 'ignored');
const judged = judgedIdx.map((i) => samples[i]!);
const gathered = await cache.get(judged.map((sample) => ({ sample, label: sample.label })));
await look.close();
const v2Names = FEATURES.filter((f) => MODEL_GROUPS.includes(f.group)).map((f) => f.name);
const base = gathered.map((g) => selectFeatures(featureVector(g.evidence), v2Names));
const right = judged.map((s) => (s.outcome === 'correct' ? 1 : 0));
const mistakes = right.filter((r) => !r).length;
const foldOf = (k: number) => judged[k]!.image % FOLDS;

/** Cross-validated probabilities of a logistic model on v2's features plus `extra`. */
function crossValidated(extra: (k: number) => number[]): number[] {
  const x = base.map((b, k) => [...b, ...extra(k)]);
  const p = new Array<number>(x.length).fill(0);
  for (let f = 0; f < FOLDS; f++) {
    const train = x.map((_, k) => k).filter((k) => foldOf(k) !== f);
    const fitted = fitLogistic(
      train.map((k) => x[k]!),
      train.map((k) => right[k]!),
    );
    x.forEach((row, k) => {
      if (foldOf(k) === f) p[k] = predictLogistic(fitted, row);
    });
  }
  return p;
}

/** Best precision at recall ≥ 0.6 over thresholds 0.05–0.95 in steps of 0.01, and average precision. */
function score(p: readonly number[]) {
  let best = { threshold: 0, precision: 0, recall: 0 };
  for (let t = 5; t <= 95; t++) {
    let flags = 0;
    let hits = 0;
    p.forEach((v, k) => {
      if (v < t / 100) {
        flags++;
        if (!right[k]) hits++;
      }
    });
    const precision = flags ? hits / flags : 0;
    const recall = hits / mistakes;
    if (recall >= 0.6 && precision > best.precision) best = { threshold: t / 100, precision, recall };
  }
  const order = p.map((_, k) => k).sort((a, b) => p[a]! - p[b]!);
  let hits = 0;
  let ap = 0;
  order.forEach((k, rank) => {
    if (!right[k]) ap += ++hits / (rank + 1);
  });
  return { ...best, averagePrecision: ap / mistakes };
}

const view = (k: number, s: number): ZoomView => views[judgedIdx[k]!]![s]!;
const rows: { model: string; share: number; figures: ReturnType<typeof score> }[] = [];
const v2 = crossValidated(() => []);
rows.push({ model: 'v2 (detector, box, embedding, frame)', share: 0, figures: score(v2) });
for (const [s, source] of sources.entries()) {
  for (const flip of [false, true]) {
    const p = crossValidated((k) => zoomFeatures(view(k, s), flip));
    rows.push({
      model: `v2 + zoom on ${sourceName(source)}${flip ? ' + flip' : ''}`,
      share: 1,
      figures: score(p),
    });
  }
  const flipOnly = crossValidated((k) => [view(k, s).flipSameScore ?? 0]);
  rows.push({ model: `v2 + flip only, ${sourceName(source)}`, share: 1, figures: score(flipOnly) });
}
const both = crossValidated((k) => [...zoomFeatures(view(k, 1), false), ...zoomFeatures(view(k, 2), false)]);
rows.push({ model: 'v2 + zoom on context 2× and 3×', share: 1, figures: score(both) });
// Two-stage: the zoomed look (context 3×) only where v2 is unsure; v2's probability elsewhere.
const stage2 = crossValidated((k) => zoomFeatures(view(k, 2), false));
// `below`: the detect stage stores the context crop only for detections it scored below this.
for (const [lo, hi, below] of [
  [0.4, 0.8, 1],
  [0.3, 0.9, 1],
  [0.5, 0.75, 1],
  [0.4, 0.8, 0.6],
  [0.4, 0.8, 0.5],
]) {
  const inBand = (k: number) => v2[k]! >= lo! && v2[k]! < hi! && judged[k]!.score < below!;
  const p = v2.map((q, k) => (inBand(k) ? stage2[k]! : q));
  const gate = below! < 1 ? ` and detector score < ${below}` : '';
  rows.push({
    model: `two-stage: v2, then zoom on context 3× where v2 in [${lo}, ${hi})${gate}`,
    share: v2.filter((_, k) => inBand(k)).length / v2.length,
    figures: score(p),
  });
}

log('bench:labels-zoom: costs…');
const costSamples = samples.slice(0, 96);
const frames = new Map<number, Awaited<ReturnType<typeof decodeImage>>>();
for (const s of costSamples)
  if (!frames.has(s.image)) frames.set(s.image, await decodeImage(images[s.image]!.path));
const contexts = await Promise.all(costSamples.map((s) => contextCrop(s, 3, frames.get(s.image)!)));
const plain = new ZoomLook(low, { matchIou: 0.5, overlapIou: 0.3, flip: false });
const timed: Record<string, () => Promise<unknown>> = {
  "today's check (embedding analyze + verification)": async () => {
    for (let i = 0; i < costSamples.length; i += model.batchSize)
      await model.analyze(
        costSamples.slice(i, i + model.batchSize).map((s) => ({ image: s.jpeg, className: s.label })),
        { verifyThreshold: 0.3, candidates: labels },
      );
  },
  'zoom on the stored crop (decode + YOLOX-Nano 416)': async () => {
    for (const s of costSamples)
      await plain.look([await zoomItem(s, { kind: 'crop' }, frames.get(s.image)!)]);
  },
  'zoom + flip on the stored crop (two runs)': async () => {
    for (const s of costSamples) await zoom.look([await zoomItem(s, { kind: 'crop' }, frames.get(s.image)!)]);
  },
  'zoom on a stored context 3× crop (decode + YOLOX-Nano 416)': async () => {
    for (const [i, s] of costSamples.entries())
      await plain.look([
        { image: await decodeImage(contexts[i]!.jpeg), box: contexts[i]!.box, label: s.label },
      ]);
  },
  'detect stage: cut and encode the context 3× crop': async () => {
    for (const s of costSamples) await contextCrop(s, 3, frames.get(s.image)!);
  },
};
const best = Object.fromEntries(Object.keys(timed).map((k) => [k, Infinity]));
for (let round = 0; round < 3; round++)
  for (const [what, run] of Object.entries(timed)) {
    const started = performance.now();
    await run();
    best[what] = Math.min(best[what]!, (performance.now() - started) / costSamples.length);
  }
await low.close();
await model.close();

const f2 = (v: number) => v.toFixed(2);
const out = [
  `coco128: ${judged.length} judged detections, ${mistakes} real mistakes; ${FOLDS}-fold CV over images`,
  `detections the detect stage scored below 0.6 / 0.5: ${[0.6, 0.5].map((b) => `${Math.round((100 * samples.filter((s) => s.score < b).length) / samples.length)} %`).join(' / ')}`,
  '',
  '| model | zoomed looks (share of crops) | best precision at recall ≥ 0.6 (threshold, recall) | average precision |',
  '| --- | --- | --- | --- |',
  ...rows.map(
    (r) =>
      `| ${r.model} | ${Math.round(r.share * 100)} % | ${f2(r.figures.precision)} (${f2(r.figures.threshold)}, ${f2(r.figures.recall)}) | ${f2(r.figures.averagePrecision)} |`,
  ),
  '',
  "| what (96 crops, best of 3) | ms / crop | × today's check |",
  '| --- | --- | --- |',
  ...Object.entries(best).map(
    ([what, ms]) =>
      `| ${what} | ${f2(ms)} | ${f2(ms / best["today's check (embedding analyze + verification)"]!)} |`,
  ),
];
process.stdout.write(`${out.join('\n')}\n`);
