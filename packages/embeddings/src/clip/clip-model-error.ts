import { CodedError } from '@orion/shared';
import { normalizeInPlace } from '../vector-math.js';

/** The ONNX files do not fit the manifest or each other. */
export class ClipModelError extends CodedError {
  readonly code = 'ERR_CLIP_MODEL';
  constructor(model: string, detail: string) {
    super(`CLIP model "${model}": ${detail}`);
  }
}

/** Splits an [N, D] output into N normalised rows. */
export function normalisedRows(
  data: Float32Array,
  n: number,
  dim: number,
  what: string,
  model: string,
): Float32Array[] {
  if (data.length !== n * dim) {
    throw new ClipModelError(
      model,
      `the ${what} gave ${data.length} values for ${n} inputs of ${dim} dimensions`,
    );
  }
  return Array.from({ length: n }, (_, i) => normalizeInPlace(data.slice(i * dim, (i + 1) * dim)));
}
