import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  OutputShapeError,
  topK,
  type Candidate,
  type DecodeContext,
  yolov8Decoder,
  classAwareNms,
} from '@orion/detector';
import { readPpmFrames } from '../src/decode/ppm-frames.js';

// YOLOv8-style outputs are what users bring; no such model is in ../shared, so the tensors here are
// written by hand in the layout Ultralytics exports: [1, 4 + C, N], cx cy w h then C class scores.

const C = 3;
const ctx: DecodeContext = { scoreThreshold: 0.25, numClasses: C, inputWidth: 640, inputHeight: 640 };

/** Anchors as [cx, cy, w, h, ...scores]; `transposed` gives [1, N, 4 + C] instead. */
function yolov8Output(anchors: number[][], transposed = false): Record<string, Tensor> {
  const n = anchors.length;
  const attrs = 4 + C;
  const data = new Float32Array(attrs * n);
  anchors.forEach((a, i) => a.forEach((v, k) => (data[transposed ? i * attrs + k : k * n + i] = v)));
  return { output0: new Tensor('float32', data, transposed ? [1, n, attrs] : [1, attrs, n]) };
}

const ANCHORS = [
  [100, 100, 40, 80, 0.9, 0.05, 0.1], // class 0, strong
  [102, 101, 40, 78, 0.8, 0.0, 0.0], // same object, class 0, weaker: suppressed by NMS
  [101, 100, 42, 80, 0.0, 0.7, 0.0], // same place, class 1: kept (class-aware)
  [400, 300, 60, 60, 0.1, 0.2, 0.24], // below threshold
  [500, 500, 20, 20, 0.0, 0.0, 0.5], // class 2
];

describe('YOLOv8-style decoder', () => {
  for (const transposed of [false, true]) {
    it(`reads ${transposed ? '[1, N, 4 + C]' : '[1, 4 + C, N]'} outputs into boxes, classes and class scores`, () => {
      const decoded = yolov8Decoder({ name: 'output0' })(yolov8Output(ANCHORS, transposed), 0, ctx);
      expect(decoded.candidates.map((c) => [c.anchor, c.classId])).toEqual([
        [0, 0],
        [1, 0],
        [2, 1],
        [4, 2],
      ]);
      const first = decoded.candidates[0]!;
      expect([first.x1, first.y1, first.x2, first.y2]).toEqual([80, 60, 120, 140]);
      expect(first.score).toBeCloseTo(0.9, 6);
      expect(Array.from(decoded.classProbs(0))).toEqual([0.9, 0.05, 0.1].map(Math.fround));
      const kept = classAwareNms(decoded.candidates, 0.45, 100);
      expect(kept.map((c) => c.anchor)).toEqual([0, 2, 4]);
    });
  }

  it('reads each image of a batch from its own slice of the output', () => {
    const other = [[300, 200, 10, 10, 0, 0.9, 0]];
    const n = ANCHORS.length;
    const one = yolov8Output(ANCHORS).output0!.data as Float32Array;
    const two = yolov8Output([...other, ...ANCHORS.slice(1)]).output0!.data as Float32Array;
    const batch = { output0: new Tensor('float32', Float32Array.from([...one, ...two]), [2, 4 + C, n]) };
    const decode = yolov8Decoder({ name: 'output0' });
    expect(decode(batch, 0, ctx).candidates[0]).toMatchObject({ anchor: 0, classId: 0, x1: 80 });
    expect(decode(batch, 1, ctx).candidates[0]).toMatchObject({ anchor: 0, classId: 1, x1: 295 });
    expect(Array.from(decode(batch, 1, ctx).classProbs(0))).toEqual([0, 0.9, 0].map(Math.fround));
  });

  it('keeps only allowed classes, taking the best allowed one', () => {
    const allowed = Uint8Array.from([0, 1, 0]);
    const decoded = yolov8Decoder({ name: 'output0' })(yolov8Output(ANCHORS), 0, { ...ctx, allowed });
    expect(decoded.candidates.map((c) => [c.anchor, c.classId])).toEqual([[2, 1]]);
  });

  it('refuses an output that does not fit the labels', () => {
    expect(() =>
      yolov8Decoder({ name: 'output0' })(yolov8Output(ANCHORS), 0, { ...ctx, numClasses: 80 }),
    ).toThrow(OutputShapeError);
    expect(() => yolov8Decoder({ name: 'boxes' })(yolov8Output(ANCHORS), 0, ctx)).toThrow(
      /no output "boxes"/,
    );
  });
});

describe('class-aware NMS', () => {
  const box = (x: number, score: number, classId: number, anchor: number): Candidate => ({
    x1: x,
    y1: 0,
    x2: x + 10,
    y2: 10,
    score,
    classId,
    anchor,
  });

  it('suppresses overlaps within a class only, above the IoU threshold', () => {
    const kept = classAwareNms(
      [box(0, 0.5, 0, 0), box(1, 0.9, 0, 1), box(5, 0.8, 0, 2), box(0, 0.7, 1, 3)],
      0.5,
      10,
    );
    // IoU(x=0, x=1) = 9/11 > 0.5: dropped; IoU(x=1, x=5) = 5/15 < 0.5: kept.
    expect(kept.map((c) => c.anchor)).toEqual([1, 2, 3]);
  });

  it('caps the number of detections and breaks score ties by anchor', () => {
    const kept = classAwareNms([box(40, 0.5, 2, 7), box(0, 0.5, 0, 3), box(20, 0.5, 1, 5)], 0.5, 2);
    expect(kept.map((c) => c.anchor)).toEqual([3, 5]);
  });
});

describe('top-5 classes', () => {
  it('orders the most probable classes first', () => {
    expect(topK([0.1, 0.7, 0.05, 0.7, 0.3, 0.2, 0.01], 5)).toEqual([
      { class: 1, p: 0.7 },
      { class: 3, p: 0.7 },
      { class: 4, p: 0.3 },
      { class: 5, p: 0.2 },
      { class: 0, p: 0.1 },
    ]);
  });
});

describe('PPM frame stream', () => {
  const frame = (w: number, h: number, fill: number) =>
    Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`), Buffer.alloc(w * h * 3, fill)]);

  async function collect(chunks: Buffer[]) {
    const frames = [];
    for await (const f of readPpmFrames(
      (async function* () {
        yield* chunks;
      })(),
    ))
      frames.push(f);
    return frames;
  }

  it('splits frames whatever the chunk boundaries, sizes included', async () => {
    const stream = Buffer.concat([frame(4, 2, 7), frame(3, 3, 9)]);
    for (const size of [1, 5, 13, stream.length]) {
      const chunks = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
      const frames = await collect(chunks);
      expect(frames.map((f) => [f.width, f.height, f.data.length, f.data[0]])).toEqual([
        [4, 2, 24, 7],
        [3, 3, 27, 9],
      ]);
    }
  });

  it('refuses a truncated frame and a stream that is not PPM', async () => {
    await expect(collect([frame(4, 2, 1).subarray(0, 20)])).rejects.toThrow(/ended in the middle of a frame/);
    await expect(collect([Buffer.from('GIF89a....')])).rejects.toThrow(/not binary PPM/);
  });
});
