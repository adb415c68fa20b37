import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box } from '@orion/shared';
import { fixturePath, modelPath } from '@orion/testkit';
import { DEFAULT_SECOND_LOOK, SecondLook, type LookItem } from '../src/index.js';

// Boxes drawn by hand on bus.jpg (810×1080), not taken from a detector.
const BUS: Box = [14, 228, 802, 740];
const PERSON: Box = [50, 398, 245, 902];

/** The box's crop with a 10 % margin (as the detect stage cuts it), and the box in the crop's pixels. */
async function crop(box: Box, label: string): Promise<LookItem> {
  const mx = (box[2] - box[0]) * 0.1;
  const my = (box[3] - box[1]) * 0.1;
  const left = Math.max(0, Math.floor(box[0] - mx));
  const top = Math.max(0, Math.floor(box[1] - my));
  const right = Math.min(810, Math.ceil(box[2] + mx));
  const bottom = Math.min(1080, Math.ceil(box[3] + my));
  const jpeg = await sharp(fixturePath('photos', 'bus.jpg'))
    .extract({ left, top, width: right - left, height: bottom - top })
    .jpeg({ quality: 90 })
    .toBuffer();
  return { jpeg, box: [box[0] - left, box[1] - top, box[2] - left, box[3] - top], label };
}

let look: SecondLook;
beforeAll(async () => {
  look = await SecondLook.load({
    ...DEFAULT_SECOND_LOOK,
    modelsDir: modelPath(),
    executionProvider: 'cpu',
    intraOpThreads: 1,
  });
});
afterAll(() => look?.close());

describe('SecondLook (NanoDet-m on stored crops)', () => {
  it('sees the same class where the first detector was right and names the class where it was not', async () => {
    const bus = await crop(BUS, 'bus');
    const person = await crop(PERSON, 'person');
    // Five items: more than one 2×2 mosaic, so the order across runs is checked too.
    const views = await look.look([bus, person, { ...bus, label: 'dog' }, { ...person, label: 'car' }, bus]);
    expect(views).toHaveLength(5);
    const [busView, personView, busAsDog, personAsCar, busAgain] = views;
    expect(busView!.sameClassScore).toBeGreaterThan(0.5);
    expect(busView!.bestLabel).toBe('bus');
    expect(busView!.sameClassIou).toBeGreaterThan(0.5);
    expect(personView!.sameClassScore).toBeGreaterThan(0.5);
    expect(personView!.bestLabel).toBe('person');
    // A wrong label: nothing of that class there, and the class it sees instead is the true one.
    expect(busAsDog!.sameClassScore).toBeLessThan(0.1);
    expect(busAsDog!.bestLabel).toBe('bus');
    expect(personAsCar!.sameClassScore).toBeLessThan(0.1);
    expect(personAsCar!.bestLabel).toBe('person');
    expect(busAgain!.sameClassScore).toBeGreaterThan(0.5);
  });
});
