/**
 * Fits the label check's calibration (logistic regression on the evidence of
 * packages/embeddings/src/label-check/evidence.ts) on a labelled image set and writes its
 * versioned parameters file, with the cross-validated figures (k folds over images) it reaches.
 *
 *   npm run fit:labels [-- --images DIR --coco FILE --out FILE --folds 5]
 *
 * Defaults: ../shared/fixtures/photos/coco128, packages/embeddings/src/label-check/params.v2.json.
 * The weights written are fitted on every image; the figures are the cross-validated ones only.
 */
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { DEFAULT_SECOND_LOOK, Detector, SecondLook } from '@orion/detector';
import {
  DEFAULT_FIT,
  FEATURES,
  createEmbeddingModel,
  featureVector,
  fitLogistic,
  selectFeatures,
} from '@orion/embeddings';
import { sharedDir } from '@orion/shared';
import { EvidenceCache, MODEL_GROUPS, calibrated } from './calibrated.js';
import { collectSamples } from './collect.js';
import { loadCoco } from './dataset.js';
import { evaluate } from './evaluate.js';

const shared = sharedDir();
if (!shared) throw new Error('../shared (models and fixtures) is missing');
const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: join(shared, 'fixtures', 'photos', 'coco128', 'images') },
    coco: { type: 'string', default: join(shared, 'fixtures', 'photos', 'coco128', 'instances.json') },
    out: { type: 'string', default: 'packages/embeddings/src/label-check/params.v2.json' },
    folds: { type: 'string', default: '5' },
  },
});
const modelsDir = join(shared, 'models');
const common = { modelsDir, executionProvider: 'cpu' as const, intraOpThreads: 1 };

const detector = await Detector.load({
  ...common,
  model: 'yolox_nano',
  interOpThreads: 1,
  scoreThreshold: 0.3,
  batchSize: 1,
});
const labels = detector.labels;
const images = await loadCoco(args.coco, args.images, labels);
const samples = await collectSamples(images, detector, 0.1);
await detector.close();
const model = await createEmbeddingModel({ backend: 'vision', ...common, interOpThreads: 1, batchSize: 16 });
const look = await SecondLook.load({ ...DEFAULT_SECOND_LOOK, ...common });
const cache = new EvidenceCache(model, look, labels, samples);

const cv = await evaluate(calibrated(cache, { threshold: 0.5, folds: Number(args.folds) }), samples, labels);
const judged = samples.filter((s) => s.outcome !== 'ignored');
const gathered = await cache.get(judged.map((sample) => ({ sample, label: sample.label })));
const features = FEATURES.filter((f) => MODEL_GROUPS.includes(f.group)).map((f) => f.name);
const fitted = fitLogistic(
  gathered.map((g) => selectFeatures(featureVector(g.evidence), features)),
  judged.map((s) => (s.outcome === 'correct' ? 1 : 0)),
);
await model.close();
await look.close();

const params = {
  version: 2,
  fittedAt: new Date().toISOString(),
  dataset: { coco: relative(process.cwd(), args.coco), images: images.length, detections: judged.length },
  detector: 'yolox_nano (DETECT_SCORE_THRESHOLD 0.3)',
  embedding: 'vision (MobileNetV2)',
  // Not among the features: the embed stage runs it on flagged crops, for suggestion and verdict.
  secondLook: DEFAULT_SECOND_LOOK,
  features,
  fit: DEFAULT_FIT,
  ...fitted,
  flagBelow: 0.5,
  crossValidated: {
    folds: Number(args.folds),
    over: 'images',
    atFlagBelow: cv.real,
    bestPrecisionAtRecall60: cv.precisionAtRecall60,
    curve: cv.curve.map((p) => ({ threshold: p.threshold, precision: p.precision, recall: p.recall })),
  },
};
// Written as the repository's formatter writes JSON, so that a refit diffs cleanly.
await writeFile(
  args.out,
  await format(JSON.stringify(params), { ...(await resolveConfig(args.out)), filepath: args.out }),
);
process.stdout.write(`wrote ${args.out}: CV precision ${cv.real.precision}, recall ${cv.real.recall}\n`);
