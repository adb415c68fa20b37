import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, type Box, type RawImage } from '@orion/shared';
import { fixturePath, modelPath } from '@orion/testkit';
import { Detector, ZoomLook, cropImage, mirrored } from '../src/index.js';

// Boxes drawn by hand on bus.jpg (810×1080), not taken from a detector.
const BUS: Box = [14, 228, 802, 740];
const PERSON: Box = [50, 398, 245, 902];
// Road below the bus: nothing there.
const EMPTY: Box = [420, 960, 520, 1060];

let detector: Detector;
let frame: RawImage;
beforeAll(async () => {
  detector = await Detector.load({
    modelsDir: modelPath(),
    model: 'yolox_nano',
    executionProvider: 'cpu',
    intraOpThreads: 1,
    interOpThreads: 1,
    scoreThreshold: 0.05,
    batchSize: 1,
  });
  frame = await decodeImage(fixturePath('photos', 'bus.jpg'));
});
afterAll(() => detector?.close());

/** The box grown `grow`× about its centre (clipped to the frame) and the box in its pixels. */
function region(box: Box, grow: number) {
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  const x = Math.max(0, Math.floor(cx - ((box[2] - box[0]) * grow) / 2));
  const y = Math.max(0, Math.floor(cy - ((box[3] - box[1]) * grow) / 2));
  const width = Math.min(frame.width, Math.ceil(cx + ((box[2] - box[0]) * grow) / 2)) - x;
  const height = Math.min(frame.height, Math.ceil(cy + ((box[3] - box[1]) * grow) / 2)) - y;
  const inRegion: Box = [box[0] - x, box[1] - y, box[2] - x, box[3] - y];
  return { image: cropImage(frame, { x, y, width, height }), box: inRegion };
}

describe('mirrored', () => {
  it('reverses each row, pixel by pixel', () => {
    const image = { data: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), width: 2, height: 2 };
    expect([...mirrored(image).data]).toEqual([4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9]);
    expect([...image.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});

describe('ZoomLook (the same detector on the detection region, scaled up)', () => {
  it('finds a right detection again (and mirrored), sees another class under a wrong label, nothing on an empty box', async () => {
    const zoom = new ZoomLook(detector, { matchIou: 0.5, overlapIou: 0.3, flip: true });
    const person = region(PERSON, 1.5);
    const bus = region(BUS, 1.2);
    const empty = region(EMPTY, 2);
    const [personView, busView, personAsDog, emptyAsPerson] = await zoom.look([
      { ...person, label: 'person' },
      { ...bus, label: 'bus' },
      { ...person, label: 'dog' },
      { ...empty, label: 'person' },
    ]);
    expect(personView!.sameScore).toBeGreaterThan(0.5);
    expect(personView!.flipSameScore).toBeGreaterThan(0.5);
    expect(personView!.otherDominant).toBe(0);
    expect(busView!.sameScore).toBeGreaterThan(0.5);
    expect(busView!.bestSameIou).toBeGreaterThan(0.5);
    // A wrong label: not found again, and the box there is of another class (the person).
    expect(personAsDog!.sameScore).toBe(0);
    expect(personAsDog!.otherDominant).toBeGreaterThan(0.5);
    expect(emptyAsPerson!.sameScore).toBeLessThan(0.3);
  });

  it('leaves the mirrored look out unless asked', async () => {
    const zoom = new ZoomLook(detector, { matchIou: 0.5, overlapIou: 0.3, flip: false });
    const [view] = await zoom.look([{ ...region(PERSON, 1.5), label: 'person' }]);
    expect(view!.flipSameScore).toBeNull();
    expect(await zoom.look([])).toEqual([]);
  });
});
