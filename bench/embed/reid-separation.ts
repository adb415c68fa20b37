/**
 * How well the re-id model separates people, against the general embedding (MobileNetV2), on
 * TUD-Campus ground-truth boxes: mean cosine of one person's crops 0.2–1 s apart, and of two
 * different people's crops in different frames, plus the share of different-people pairs that are
 * closer than the median same-person pair. Nothing is fitted: the numbers describe the models.
 *
 *   npx tsx --conditions=orion-source bench/embed/reid-separation.ts [-- --step 3]
 *
 * The general embedding sees the box with the detect stage's 10 % margin, letterboxed (as stored
 * crops are embedded); the re-id model sees the box stretched to 128×256 (as the embed stage does).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ReidEmbedder, createEmbeddingModel, cutBox, dot } from '@orion/embeddings';
import { sharedDir, type Box, type RawImage } from '@orion/shared';

const { values: args } = parseArgs({
  options: { step: { type: 'string', default: '3' }, scale: { type: 'string', default: '1' } },
});
// --scale 0.5: the video shrunk to 320×240 (boxes with it), for small, blurred people.
const scale = Number(args.scale);
const shared = sharedDir();
if (!shared) throw new Error('../shared (models and fixtures) is missing');
const modelsDir = join(shared, 'models');
const FPS = 25;
const [W, H] = [Math.round(640 * scale), Math.round(480 * scale)];

const frames = Array.from({ length: Math.ceil(71 / Number(args.step)) }, (_, i) => i * Number(args.step));
const select = frames.map((f) => `eq(n\\,${f})`).join('+');
const { stdout } = await promisify(execFile)(
  'ffmpeg',
  [
    '-v',
    'error',
    '-i',
    join(shared, 'fixtures/videos/TUD-Campus_640x480_25fps.mp4'),
    '-vf',
    `select=${select},scale=${W}:${H}`,
  ].concat(['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']),
  { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
);
const image = (i: number): RawImage => ({
  data: stdout.subarray(i * W * H * 3, (i + 1) * W * H * 3),
  width: W,
  height: H,
});
const gt = (await readFile(join(shared, 'fixtures/mot/TUD-Campus/gt/gt.txt'), 'utf8'))
  .trim()
  .split('\n')
  .map((l) => l.split(',').map(Number))
  .filter(([f]) => frames.includes(f! - 1))
  .map(([f, id, x, y, w, h]) => ({
    id: id!,
    frame: f! - 1,
    box: [x! * scale, y! * scale, (x! + w!) * scale, (y! + h!) * scale] as Box,
    w: w! * scale,
    h: h! * scale,
  }));

const withMargin = (b: Box, w: number, h: number): Box => [
  b[0] - 0.1 * w,
  b[1] - 0.1 * h,
  b[2] + 0.1 * w,
  b[3] + 0.1 * h,
];
const opts = {
  modelsDir,
  executionProvider: 'cpu' as const,
  intraOpThreads: 1,
  interOpThreads: 1,
  batchSize: 16,
};
const reid = await ReidEmbedder.load(opts);
const vision = await createEmbeddingModel({ backend: 'vision', ...opts });
const reidVectors = await reid.embed(gt.map((p) => ({ image: image(frames.indexOf(p.frame)), box: p.box })));
const visionVectors = await vision.encodeImages(
  gt.map((p) => cutBox(image(frames.indexOf(p.frame)), withMargin(p.box, p.w, p.h))),
);
await Promise.all([reid.close(), vision.close()]);

function separation(vectors: Float32Array[]) {
  const same: number[] = [];
  const different: number[] = [];
  gt.forEach((a, i) =>
    gt.forEach((b, j) => {
      const dt = Math.abs(a.frame - b.frame) / FPS;
      if (j <= i || dt === 0) return;
      if (a.id !== b.id) different.push(dot(vectors[i]!, vectors[j]!));
      else if (dt >= 0.2 && dt <= 1) same.push(dot(vectors[i]!, vectors[j]!));
    }),
  );
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const median = [...same].sort((x, y) => x - y)[Math.floor(same.length / 2)]!;
  return {
    same: mean(same),
    different: mean(different),
    margin: mean(same) - mean(different),
    overlap: different.filter((d) => d >= median).length / different.length,
    pairs: `${same.length}/${different.length}`,
  };
}

console.log(
  `TUD-Campus at ${W}×${H}, every ${args.step}th frame: ${gt.length} ground-truth boxes, ${new Set(gt.map((p) => p.id)).size} people`,
);
for (const [name, vectors] of [
  ['osnet_x0_25_msmt17', reidVectors],
  ['mobilenetv2_emb', visionVectors],
] as const) {
  const s = separation(vectors);
  console.log(
    `${name.padEnd(19)} same person 0.2–1 s apart ${s.same.toFixed(3)}, different people ${s.different.toFixed(3)}, ` +
      `margin ${s.margin.toFixed(3)}, different pairs above the same-person median ${(100 * s.overlap).toFixed(1)} % (pairs ${s.pairs})`,
  );
}
