/**
 * How well each label-checking method catches the detector's real mistakes on a labelled image set.
 *
 *   npm run bench:labels [-- --images DIR (--coco FILE | --yolo-labels DIR) --json]
 *
 * The default detector (YOLOX-Nano, DETECT_SCORE_THRESHOLD 0.3) runs on every image; each detection
 * is matched to the ground truth (IoU ≥ 0.5, greedy by score) and sorted into correct, wrong class
 * or no object (bench/labels/match.ts). Its crop is cut as the detect stage cuts it (CROP_MARGIN,
 * JPEG, at most 512 px), so each method sees what the embed stage sees. Per method: share of
 * detections it can judge, flag precision and recall over all real mistakes, how often its suggested
 * class is the true one on wrong-class detections, per-class figures, a precision–recall curve, its
 * cost per crop, and (secondary) the same on injected label flips of the correct detections.
 * Defaults to ../shared/fixtures/photos/coco128. `--json` prints one object whose `default` member
 * holds the default method's `checkable`, `precision`, `recall` and `suggestionAccuracy`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EVIDENCE_GROUPS, createEmbeddingModel } from '@orion/embeddings';
import { sharedDir } from '@orion/shared';
import { DEFAULT_SECOND_LOOK, Detector, SecondLook } from '@orion/detector';
import { EvidenceCache, MODEL_GROUPS, calibrated } from './calibrated.js';
import { collectSamples } from './collect.js';
import { loadCoco, loadYolo } from './dataset.js';
import { evaluate, type MethodResult } from './evaluate.js';
import { detectorScore, embeddingVerification, secondLook } from './methods.js';
import { labelOnlyRecallBound } from './metrics.js';
import { outcomeCounts, renderCosts, renderMarkdown } from './render.js';
import { measureCosts } from './cost.js';

/** The calibrated method's flag threshold on the probability that the label is right. */
const CALIBRATED_THRESHOLD = 0.5;
const shared = sharedDir();
const coco128 = shared ? join(shared, 'fixtures', 'photos', 'coco128') : undefined;
const { values: args } = parseArgs({
  options: {
    images: { type: 'string' },
    coco: { type: 'string' },
    'yolo-labels': { type: 'string' },
    json: { type: 'boolean', default: false },
    'models-dir': { type: 'string', default: shared ? join(shared, 'models') : undefined },
    // The env schema's defaults: CROP_MARGIN, DETECT_SCORE_THRESHOLD, VERIFY_THRESHOLD.
    'crop-margin': { type: 'string', default: '0.1' },
    'score-threshold': { type: 'string', default: '0.3' },
    'verify-threshold': { type: 'string', default: '0.3' },
    threads: { type: 'string', default: '1' },
    folds: { type: 'string', default: '5' },
    'second-look-grid': { type: 'string', default: String(DEFAULT_SECOND_LOOK.grid) },
  },
});

function fail(message: string): never {
  process.stderr.write(`bench:labels: ${message}\n`);
  process.exit(2);
}

const modelsDir = args['models-dir'] ?? fail('no models directory: pass --models-dir (../shared is missing)');
let imagesDir = args.images;
let cocoFile = args.coco;
if (!imagesDir && !cocoFile && !args['yolo-labels']) {
  if (!coco128) fail('../shared is missing: pass --images DIR with --coco FILE or --yolo-labels DIR');
  imagesDir = join(coco128, 'images');
  cocoFile = join(coco128, 'instances.json');
}
if (!imagesDir) fail('--images DIR is required');
if (!cocoFile === !args['yolo-labels']) fail('pass exactly one of --coco FILE and --yolo-labels DIR');

const threads = Number(args.threads);
const detector = await Detector.load({
  modelsDir,
  model: 'yolox_nano',
  executionProvider: 'cpu',
  intraOpThreads: threads,
  interOpThreads: 1,
  scoreThreshold: Number(args['score-threshold']),
  batchSize: 1,
});
const labels = detector.labels;
const images = cocoFile
  ? await loadCoco(cocoFile, imagesDir, labels)
  : await loadYolo(args['yolo-labels']!, imagesDir, labels);
const log = (line: string) => process.stderr.write(`${line}\n`);
log(`bench:labels: ${images.length} images; detecting…`);
const samples = await collectSamples(images, detector, Number(args['crop-margin']));
await detector.close();

const model = await createEmbeddingModel({
  backend: 'vision',
  modelsDir,
  executionProvider: 'cpu',
  intraOpThreads: threads,
  interOpThreads: 1,
  batchSize: 16,
});
const look = await SecondLook.load({
  ...DEFAULT_SECOND_LOOK,
  modelsDir,
  executionProvider: 'cpu',
  intraOpThreads: threads,
  grid: Number(args['second-look-grid']),
});
const cache = new EvidenceCache(model, look, labels, samples);
const folds = Number(args.folds);
const methods = [
  calibrated(cache, { threshold: CALIBRATED_THRESHOLD, folds }),
  embeddingVerification(model, labels, Number(args['verify-threshold'])),
  detectorScore(labels, 0.5),
  secondLook(look, 0.3),
  // Ablation: the default model without each of its groups, and with the second look as a feature.
  ...MODEL_GROUPS.map((without) =>
    calibrated(cache, {
      threshold: CALIBRATED_THRESHOLD,
      folds,
      groups: MODEL_GROUPS.filter((g) => g !== without),
      name: `calibrated, without ${without} (CV)`,
    }),
  ),
  calibrated(cache, {
    threshold: CALIBRATED_THRESHOLD,
    folds,
    groups: EVIDENCE_GROUPS,
    name: 'calibrated, with the second look as features too (CV)',
  }),
];
const results: MethodResult[] = [];
for (const m of methods) {
  log(`bench:labels: ${m.name}…`);
  results.push(await evaluate(m, samples, labels));
}
await look.close();
log('bench:labels: costs…');
const costs = await measureCosts(samples.slice(0, 96), model, labels, {
  modelsDir,
  threads,
  grids: [2, 3],
  rounds: 3,
});
await model.close();

const dataset = cocoFile ? cocoFile : args['yolo-labels']!;
if (args.json) {
  const d = results[0]!;
  const summary = {
    dataset,
    images: images.length,
    ...outcomeCounts(samples),
    default: {
      method: d.name,
      checkable: d.real.checkable,
      precision: d.real.precision,
      recall: d.real.recall,
      suggestionAccuracy: d.real.suggestionAccuracy,
      verdictAccuracy: d.real.verdictAccuracy,
      msPerCrop: d.msPerCrop,
      byKind: d.byKind,
    },
    labelOnlyRecallBound: labelOnlyRecallBound(samples),
    methods: results,
    costs,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} else {
  process.stdout.write(
    `${renderMarkdown(dataset, images.length, samples, results)}\n\n${renderCosts(costs)}\n`,
  );
}
