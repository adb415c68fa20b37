import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MANIFESTS, InputTensor, decodeImage, type RawImage } from '@orion/shared';
import { fixturePath, modelPath, referenceInputTensor } from '@orion/testkit';
import { Detector } from '../src/index.js';

const run = promisify(execFile);

/** One frame of a fixture video at `seconds`, as the detect worker's ffmpeg gives it (rgb24). */
async function videoFrame(file: string, seconds: number, width: number, height: number): Promise<RawImage> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-ss', String(seconds), '-i', fixturePath('videos', file), '-frames:v', '1'].concat([
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ]),
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  return { data: stdout, width, height };
}

let frames: { name: string; image: RawImage }[];
beforeAll(async () => {
  frames = [
    { name: 'TUD-Campus 640×480', image: await videoFrame('TUD-Campus_640x480_25fps.mp4', 1, 640, 480) },
    {
      name: 'intel one-by-one 768×432',
      image: await videoFrame('intel_one-by-one-person-detection.mp4', 20, 768, 432),
    },
    { name: 'bus zoompan 540×720', image: await videoFrame('bus_zoompan_6s_540x720.mp4', 2, 540, 720) },
    { name: 'mmtracking 1920×1080', image: await videoFrame('mmtracking_demo.mp4', 1, 1920, 1080) },
    { name: 'zidane.jpg', image: await decodeImage(fixturePath('photos', 'zidane.jpg')) },
  ];
});

describe('InputTensor (a model’s reused input buffer)', () => {
  // YOLOX (letterbox top-left, BGR, raw), NanoDet (letterbox centred, mean/std), MobileNet (resize-crop).
  for (const manifest of BUILTIN_MANIFESTS.filter((m) => ['yolox_nano', 'nanodet_m'].includes(m.name)).concat(
    BUILTIN_MANIFESTS.filter((m) => m.task === 'classification').slice(0, 1),
  )) {
    it(`writes exactly what the plain writer writes, reusing one buffer across frame sizes (${manifest.name})`, async () => {
      const spec = manifest.input;
      const slot = 3 * spec.width * spec.height;
      const input = new InputTensor(spec, 2);
      let checked = 0;
      for (const { name, image } of frames) {
        const expected = new Float32Array(slot);
        const expectedTransform = await referenceInputTensor(image, spec, expected);
        // Slot 1 of a buffer that held the previous frames (of other sizes) or is new.
        const data = input.acquire(2);
        const transform = await input.write(image, data, 1);
        expect(transform, name).toEqual(expectedTransform);
        const got = data.subarray(slot, 2 * slot);
        let differing = 0;
        for (let i = 0; i < slot; i++) if (!Object.is(got[i], expected[i])) differing++;
        expect(differing, `${name}: values that differ`).toBe(0);
        input.release(data);
        checked++;
      }
      expect(checked).toBe(frames.length);
    });
  }

  it('fills a batch slot by slot as write does, and hands the same buffer back once released', async () => {
    const spec = BUILTIN_MANIFESTS.find((m) => m.name === 'nanodet_m')!.input;
    const slot = 3 * spec.width * spec.height;
    const input = new InputTensor(spec, 4);
    const images = frames.slice(0, 3).map((f) => f.image);
    const { data, transforms } = await input.fill(images);
    expect(data.length).toBe(3 * slot);
    for (const [i, image] of images.entries()) {
      const expected = new Float32Array(slot);
      expect(transforms[i]).toEqual(await referenceInputTensor(image, spec, expected));
      expect(data.subarray(i * slot, (i + 1) * slot)).toEqual(expected);
    }
    input.release(data);
    expect(input.acquire(4).buffer).toBe(data.buffer);
  });

  it('hands a second buffer to a batch that finds the first one in use', () => {
    const spec = BUILTIN_MANIFESTS.find((m) => m.name === 'yolox_nano')!.input;
    const input = new InputTensor(spec, 1);
    const a = input.acquire(1);
    const b = input.acquire(1);
    expect(b.buffer).not.toBe(a.buffer);
    input.release(a);
    expect(input.acquire(1).buffer).toBe(a.buffer);
  });
});

describe('Detector with a reused input buffer', () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await Detector.load({
      modelsDir: modelPath(),
      model: 'yolox_nano',
      executionProvider: 'cpu',
      intraOpThreads: 1,
      interOpThreads: 1,
      scoreThreshold: 0.3,
      batchSize: 1,
    });
  });
  afterAll(() => detector?.close());

  it('finds the same objects in a frame whatever frame (of another size) came before it', async () => {
    const images = frames.map((f) => f.image);
    const forward = (await detector.detect(images)).detections;
    const backward = (await detector.detect([...images].reverse())).detections.reverse();
    expect(forward.flat().length).toBeGreaterThan(5);
    expect(backward).toEqual(forward);
  });
});
