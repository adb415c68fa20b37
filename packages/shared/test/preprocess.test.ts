import { describe, expect, it } from 'vitest';
import {
  BUILTIN_MANIFESTS,
  toSourceBox,
  writeInputTensor,
  type InputSpec,
  type RawImage,
} from '@orion/shared';

const inputOf = (name: string) => BUILTIN_MANIFESTS.find((m) => m.name === name)!.input;

/** Left half pure red, right half pure blue. */
function halves(width: number, height: number): RawImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[(y * width + x) * 3 + (x < width / 2 ? 0 : 2)] = 255;
  }
  return { data, width, height };
}

/** Tensor value of channel c at input pixel (x, y) of batch slot b. */
const at = (t: Float32Array, spec: InputSpec, c: number, x: number, y: number, b = 0) =>
  t[b * 3 * spec.width * spec.height + c * spec.width * spec.height + y * spec.width + x]!;

describe('model input preparation', () => {
  it('letterboxes at the top-left with grey 114 padding and BGR raw values (YOLOX)', async () => {
    const spec = inputOf('yolox_nano');
    const tensor = new Float32Array(2 * 3 * 416 * 416);
    const t = await writeInputTensor(halves(200, 100), spec, tensor, 1);
    expect(t).toEqual({ scaleX: 2.08, scaleY: 2.08, offsetX: 0, offsetY: 0 });
    // Red on the left: B = 0, R = 255; blue on the right: B = 255.
    expect([at(tensor, spec, 0, 20, 20, 1), at(tensor, spec, 2, 20, 20, 1)]).toEqual([0, 255]);
    expect([at(tensor, spec, 0, 400, 200, 1), at(tensor, spec, 2, 400, 200, 1)]).toEqual([255, 0]);
    // Below the image (208 rows tall) every channel is padding.
    expect([0, 1, 2].map((c) => at(tensor, spec, c, 100, 300, 1))).toEqual([114, 114, 114]);
    // Slot 0 was left alone.
    expect(at(tensor, spec, 0, 20, 20, 0)).toBe(0);
    expect(toSourceBox([20.8, 20.8, 416, 250], t, 200, 100)).toEqual([10, 10, 200, 100]);
  });

  it('centres tall images and normalises padding like the pixels (NanoDet)', async () => {
    const spec = inputOf('nanodet_m');
    const tensor = new Float32Array(3 * 416 * 416);
    const t = await writeInputTensor(halves(100, 200), spec, tensor);
    expect(t).toEqual({ scaleX: 2.08, scaleY: 2.08, offsetX: 104, offsetY: 0 });
    // Padding is pixel value 0 → (0 − mean) / std per channel (BGR order).
    expect(at(tensor, spec, 0, 50, 100)).toBeCloseTo(-103.53 / 57.375, 5);
    // Red image pixel in channel 2 (R): (255 − 123.675) / 58.395.
    expect(at(tensor, spec, 2, 120, 100)).toBeCloseTo((255 - 123.675) / 58.395, 5);
    expect(toSourceBox([104, 0, 312, 416], t, 100, 200)).toEqual([0, 0, 100, 200]);
  });

  it('resizes the short side and crops the centre, RGB / 255 with ImageNet statistics (MobileNetV2)', async () => {
    const spec = inputOf('mobilenetv2');
    const tensor = new Float32Array(3 * 224 * 224);
    const t = await writeInputTensor(halves(300, 200), spec, tensor);
    // 300×200 → 384×256, then the centre 224×224: offsets −80, −16.
    expect(t.offsetX).toBe(-80);
    expect(t.offsetY).toBe(-16);
    expect(at(tensor, spec, 0, 10, 10)).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(at(tensor, spec, 2, 10, 10)).toBeCloseTo((0 - 0.406) / 0.225, 5);
    expect(at(tensor, spec, 2, 220, 10)).toBeCloseTo((1 - 0.406) / 0.225, 5);
  });

  it('refuses a buffer that does not hold width × height RGB pixels', async () => {
    const bad = { data: Buffer.alloc(10), width: 4, height: 4 };
    await expect(
      writeInputTensor(bad, inputOf('yolox_nano'), new Float32Array(3 * 416 * 416)),
    ).rejects.toThrow(/4×4 needs 48 bytes, got 10/);
  });
});
