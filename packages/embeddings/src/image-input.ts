import { decodeImage, type InputSpec, type RawImage } from '@orion/shared';
import type { ImageInput } from './types.js';

/**
 * How a crop is fitted into the square model input:
 * - `letterbox` (default): scaled whole into the square, centred, the rest filled with the mean
 *   pixel. Detector crops are tall or wide; the classifiers' usual resize-and-centre-crop keeps only
 *   the middle of a 76×254 bottle (MobileNetV2 then sees a shower curtain, not a water bottle).
 * - `model`: the resize the model's manifest gives (ImageNet or CLIP evaluation style).
 */
export type CropFit = 'letterbox' | 'model';

const isRawImage = (input: ImageInput): input is RawImage =>
  typeof (input as RawImage).width === 'number' && typeof (input as RawImage).height === 'number';

export async function toRawImage(input: ImageInput): Promise<RawImage> {
  if (isRawImage(input)) return input;
  if (!(input instanceof Uint8Array) || input.length === 0) {
    throw new TypeError('an image must be an RGB RawImage or the non-empty bytes of an encoded image');
  }
  try {
    return await decodeImage(Buffer.isBuffer(input) ? input : Buffer.from(input));
  } catch (err) {
    throw new Error(`cannot decode the image (${input.length} bytes): ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** The input spec with the crop fit applied; letterbox padding is the model's mean pixel. */
export function cropInputSpec(spec: InputSpec, fit: CropFit): InputSpec {
  if (fit === 'model') return spec;
  const meanPixel = spec.mean.reduce((a, m) => a + m / spec.scale, 0) / 3;
  const padValue = Math.min(255, Math.max(0, Math.round(meanPixel)));
  return { ...spec, resize: { mode: 'letterbox', align: 'center', padValue } };
}
