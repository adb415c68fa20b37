import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MANIFESTS, decodeImage, sha256File, type Box } from '@orion/shared';
import { fixturePath, modelPath } from '@orion/testkit';
import { Detector, type ImageDetection } from '@orion/detector';
import { boxIou } from './metrics.js';
import { modelsDir, tempDirs } from './support.js';

// Ground truth drawn by hand on the photos (source pixels), not taken from any detector's output.
const BUS_JPG = {
  bus: [14, 228, 802, 740] as Box,
  people: [
    [50, 398, 245, 902], // beige coat
    [222, 405, 345, 860], // black coat, in front of the bus door
    [668, 395, 810, 878], // walking out at the right edge
    [0, 550, 78, 872], // cut by the left edge
  ] as Box[],
};
const ZIDANE_JPG = {
  rightPerson: [745, 42, 1145, 720] as Box, // Ancelotti
  tie: [435, 436, 500, 715] as Box, // Zidane's tie
  leftPersonPoint: [400, 500], // on Zidane's chest
};

/** A CPU detector of the test models on one thread, at score 0.3, with `options` over that. */
const loadDetector = (model: string, options: { modelsDir?: string; classes?: string[] } = {}) =>
  Detector.load({
    modelsDir: modelsDir(),
    model,
    executionProvider: 'cpu',
    intraOpThreads: 1,
    interOpThreads: 1,
    scoreThreshold: 0.3,
    batchSize: 1,
    ...options,
  });

const detectors: Record<string, Detector> = {};
beforeAll(async () => {
  for (const model of ['yolox_nano', 'nanodet_m']) detectors[model] = await loadDetector(model);
});
const dirs = tempDirs();
afterAll(async () => {
  await Promise.all(Object.values(detectors).map((d) => d.close()));
  await dirs.cleanup();
});

async function detect(model: string, photo: string): Promise<ImageDetection[]> {
  const image = await decodeImage(fixturePath('photos', photo));
  return (await detectors[model]!.detect([image])).detections[0]!;
}

/** The best IoU of any detection of `label` with `truth`. */
function bestIou(found: ImageDetection[], label: string, truth: Box): number {
  return Math.max(0, ...found.filter((d) => d.label === label).map((d) => boxIou(d.box, truth)));
}

describe('YOLOX-Nano on photos', () => {
  it('finds the bus and the four people of bus.jpg where they are', async () => {
    const found = await detect('yolox_nano', 'bus.jpg');
    expect(bestIou(found, 'bus', BUS_JPG.bus)).toBeGreaterThanOrEqual(0.7);
    for (const person of BUS_JPG.people) expect(bestIou(found, 'person', person)).toBeGreaterThanOrEqual(0.7);
    const bus = found.find((d) => d.label === 'bus')!;
    expect(bus.score).toBeGreaterThan(0.8);
    expect(bus.top5[0]).toMatchObject({ class: 5 });
  });

  it('finds two people and a tie in zidane.jpg', async () => {
    const found = await detect('yolox_nano', 'zidane.jpg');
    const people = found.filter((d) => d.label === 'person' && d.score >= 0.5);
    expect(people).toHaveLength(2);
    expect(bestIou(people, 'person', ZIDANE_JPG.rightPerson)).toBeGreaterThanOrEqual(0.7);
    const [px, py] = ZIDANE_JPG.leftPersonPoint as [number, number];
    expect(people.some((d) => d.box[0] < px && px < d.box[2] && d.box[1] < py && py < d.box[3])).toBe(true);
    expect(bestIou(found, 'tie', ZIDANE_JPG.tie)).toBeGreaterThanOrEqual(0.6);
  });

  it('detects several images in one call, each with its own objects', async () => {
    const images = await Promise.all(
      ['zidane.jpg', 'bus.jpg', 'darknet_dog.jpg'].map((p) => decodeImage(fixturePath('photos', p))),
    );
    const { detections, timing } = await detectors.yolox_nano!.detect(images);
    expect(timing.runs).toBe(3); // this export takes one image per run
    const top = (found: ImageDetection[]) => found.reduce((a, b) => (b.score > a.score ? b : a)).label;
    expect(detections.map(top)).toEqual(['person', 'bus', 'dog']);
    expect(detections[1]!.every((d) => d.box[2] <= 810 && d.box[3] <= 1080)).toBe(true);
  });

  it('keeps only the classes of the filter', async () => {
    const filtered = await loadDetector('yolox_nano', { classes: ['Bus'] });
    try {
      const image = await decodeImage(fixturePath('photos', 'bus.jpg'));
      const found = (await filtered.detect([image])).detections[0]!;
      expect(found.map((d) => d.label)).toEqual(['bus']);
    } finally {
      await filtered.close();
    }
    await expect(loadDetector('yolox_nano', { classes: ['person', 'unicorn'] })).rejects.toThrow(
      /DETECT_CLASSES names "unicorn", not a label of the detector/,
    );
  });
});

describe('NanoDet-m on photos (the second output format)', () => {
  it('finds the bus and the people standing in front of it in bus.jpg', async () => {
    const found = await detect('nanodet_m', 'bus.jpg');
    expect(bestIou(found, 'bus', BUS_JPG.bus)).toBeGreaterThanOrEqual(0.7);
    // The person cut by the left edge is too partial for NanoDet-m at this threshold.
    for (const person of BUS_JPG.people.slice(0, 3)) {
      expect(bestIou(found, 'person', person)).toBeGreaterThanOrEqual(0.7);
    }
  });
});

describe('loading a detector', () => {
  it('refuses, at load, labels that do not match the model output', async () => {
    const dir = await dirs.make();
    await copyFile(modelPath('yolox_nano.onnx'), join(dir, 'yolox_nano.onnx'));
    const labels = (await readFile(modelPath('coco.names'), 'utf8')).split('\n').slice(0, 79).join('\n');
    await writeFile(join(dir, 'coco79.names'), labels);
    const yolox = BUILTIN_MANIFESTS.find((m) => m.name === 'yolox_nano')!;
    const manifest = {
      ...yolox,
      name: 'yolox79',
      labels: { file: 'coco79.names', sha256: await sha256File(join(dir, 'coco79.names')) },
    };
    await writeFile(join(dir, 'yolox79.model.json'), JSON.stringify(manifest));
    await expect(loadDetector('yolox79', { modelsDir: dir })).rejects.toThrow(
      /YOLOX output "output" is \[1, 3549, 85\]; .* and 79 labels it should be \[B, 3549, 84\]/,
    );
  });
});
