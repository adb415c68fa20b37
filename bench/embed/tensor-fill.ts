/**
 * The embed stage's input tensors written the plain way (before issue #21) and by the shared
 * TensorWriter, on real crops: MobileNetV2's letterboxed crop (224²) and the re-id model's stretch
 * (128×256). Prints CPU ms per crop, best of the rounds, and checks the floats are identical.
 *
 *   npx tsx --conditions=orion-source bench/embed/tensor-fill.ts [--rounds 5]
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { cropInputSpec } from '@orion/embeddings';
import {
  BUILTIN_MANIFESTS,
  decodeImage,
  resizeForInput,
  writeInputTensor,
  type RawImage,
} from '@orion/shared';
import { fixturePath, referenceInputTensor } from '@orion/testkit';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const photo = await decodeImage(fixturePath('photos', 'zidane.jpg'));
// 64 crops of detector-box shapes (tall people, wide cars, small things), 40–300 px on a side.
const crops: RawImage[] = [];
for (let i = 0; i < 64; i++) {
  const width = 40 + ((i * 37) % 260);
  const height = 40 + ((i * 91) % 260);
  const { data, info } = await sharp(photo.data, {
    raw: { width: photo.width, height: photo.height, channels: 3 },
  })
    .extract({
      left: (i * 13) % (photo.width - width),
      top: (i * 7) % (photo.height - height),
      width,
      height,
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  crops.push({ data, width: info.width, height: info.height });
}
const mobilenet = BUILTIN_MANIFESTS.find((m) => m.task === 'classification')!;
const reid = BUILTIN_MANIFESTS.find((m) => m.task === 'reid')!;
const specs = [
  { name: `${mobilenet.name}, letterboxed crop`, spec: cropInputSpec(mobilenet.input, 'letterbox') },
  { name: `${reid.name}, stretched crop`, spec: reid.input },
];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
console.log(
  `tensor fill per crop (CPU ms, best of ${args.rounds}; resize by sharp excluded, identical for both)`,
);
for (const { name, spec } of specs) {
  const slot = 3 * spec.width * spec.height;
  const resized = await Promise.all(crops.map((c) => resizeForInput(c, spec)));
  // Already-resized images: what is timed is the float writing alone.
  const inputs = resized.map((r) => ({ data: r.pixels, width: r.rw, height: r.rh }));
  const sized = { ...spec, resize: { mode: 'letterbox' as const, align: 'center' as const, padValue: 0 } };
  const best = { plain: Infinity, writer: Infinity };
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const [kind, write] of [
      ['plain', referenceInputTensor],
      ['writer', writeInputTensor],
    ] as const) {
      const data = new Float32Array(slot);
      const c = cpuMs();
      for (const img of inputs) await write(img, sized, data);
      best[kind] = Math.min(best[kind], (cpuMs() - c) / inputs.length);
    }
  }
  let differing = 0;
  for (const img of crops) {
    const a = new Float32Array(slot);
    const b = new Float32Array(slot);
    await referenceInputTensor(img, spec, a);
    await writeInputTensor(img, spec, b);
    for (let i = 0; i < slot; i++) if (!Object.is(a[i], b[i])) differing++;
  }
  console.log(
    `${name}: plain ${best.plain.toFixed(3)} ms, writer ${best.writer.toFixed(3)} ms (${(best.plain / best.writer).toFixed(1)}×), floats differing ${differing}`,
  );
}
