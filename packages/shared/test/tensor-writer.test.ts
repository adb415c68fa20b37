import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, referenceInputTensor } from '@orion/testkit';
import {
  BUILTIN_MANIFESTS,
  decodeImage,
  tensorWriter,
  writeInputTensor,
  type InputSpec,
  type RawImage,
} from '../src/index.js';

let images: { name: string; image: RawImage }[];
beforeAll(async () => {
  const photo = await decodeImage(fixturePath('photos', 'zidane.jpg'));
  // A tall and a wide crop, as detector boxes give them (letterbox padding on the sides, then on top).
  const crop = async (left: number, top: number, width: number, height: number) => {
    const { data, info } = await sharp(photo.data, {
      raw: { width: photo.width, height: photo.height, channels: 3 },
    })
      .extract({ left, top, width, height })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  };
  images = [
    { name: `zidane ${photo.width}×${photo.height}`, image: photo },
    { name: 'tall crop 76×254', image: await crop(400, 100, 76, 254) },
    { name: 'wide crop 301×63', image: await crop(100, 500, 301, 63) },
    { name: 'bus', image: await decodeImage(fixturePath('photos', 'bus.jpg')) },
  ];
});

// Every built-in model's input, and the centred letterbox the embedding stage fits crops with.
const specs: { name: string; spec: InputSpec }[] = BUILTIN_MANIFESTS.flatMap((m) => [
  { name: `${m.name} (${m.input.resize.mode})`, spec: m.input },
  {
    name: `${m.name} letterboxed crop`,
    spec: { ...m.input, resize: { mode: 'letterbox', align: 'center', padValue: 124 } } as InputSpec,
  },
]);

describe('TensorWriter', () => {
  for (const { name, spec } of specs) {
    it(`writes the floats the plain per-pixel expression gives (${name})`, async () => {
      const slot = 3 * spec.width * spec.height;
      // Slot 1 of a buffer that already holds other images: padding must be rewritten, not assumed.
      const data = new Float32Array(2 * slot).fill(Number.NaN);
      for (const { name: image, ...rest } of images) {
        const expected = new Float32Array(slot);
        const expectedTransform = await referenceInputTensor(rest.image, spec, expected);
        const transform = await tensorWriter(spec).write(rest.image, data, 1);
        expect(transform, image).toEqual(expectedTransform);
        const got = data.subarray(slot);
        let differing = 0;
        for (let i = 0; i < slot; i++) if (!Object.is(got[i], expected[i])) differing++;
        expect(differing, `${image}: floats that differ`).toBe(0);
      }
      expect(Number.isNaN(data[0]!)).toBe(true);
    });
  }

  it('refuses a tensor without room for the slot, and keeps one writer per spec', async () => {
    const spec = BUILTIN_MANIFESTS[0]!.input;
    await expect(writeInputTensor(images[0]!.image, spec, new Float32Array(10))).rejects.toThrow(
      /too small for batch slot 0/,
    );
    expect(tensorWriter(spec)).toBe(tensorWriter(spec));
  });
});
