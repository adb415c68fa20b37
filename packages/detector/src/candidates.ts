import type { Tensor } from 'onnxruntime-node';
import { CodedError } from '@orion/shared';

/** A box proposed by the model, in model input pixels, before NMS. */
export interface Candidate {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  classId: number;
  /** Row of the model output it came from (to read its class probabilities later). */
  anchor: number;
}

export interface DecodeContext {
  scoreThreshold: number;
  /** allowed[c] = 1 for classes to keep; undefined keeps all. */
  allowed?: Uint8Array;
  /** Number of classes the labels file names; the output must agree. */
  numClasses: number;
  inputWidth: number;
  inputHeight: number;
}

export interface DecodedOutput {
  candidates: Candidate[];
  /** The class probabilities of one anchor (for the top-5 of kept boxes). */
  classProbs(anchor: number): ArrayLike<number>;
}

/** Reads one batch item of a model's outputs into candidates. */
export type OutputDecoder = (
  outputs: Record<string, Tensor>,
  batchIndex: number,
  ctx: DecodeContext,
) => DecodedOutput;

/** The output's shape does not fit the manifest; a wrong manifest for this file, so fail loudly. */
export class OutputShapeError extends CodedError {
  readonly code = 'ERR_OUTPUT_SHAPE';
}

export function tensorOf(
  outputs: Record<string, Tensor>,
  name: string,
): { data: Float32Array; dims: readonly number[] } {
  const t = outputs[name];
  if (!t)
    throw new OutputShapeError(
      `the model has no output "${name}" (outputs: ${Object.keys(outputs).join(', ')})`,
    );
  if (t.type !== 'float32') throw new OutputShapeError(`output "${name}" is ${t.type}, expected float32`);
  return { data: t.data as Float32Array, dims: t.dims };
}

/** Best allowed class among `count` scores at data[offset + i·step]. */
export function bestClass(
  data: ArrayLike<number>,
  offset: number,
  step: number,
  count: number,
  allowed: Uint8Array | undefined,
): { classId: number; p: number } {
  let classId = -1;
  let p = -Infinity;
  for (let c = 0, i = offset; c < count; c++, i += step) {
    const v = data[i]!;
    if (v > p && (!allowed || allowed[c])) {
      p = v;
      classId = c;
    }
  }
  return { classId, p };
}

/** Strided view of an anchor's class scores, copied out (small: C floats). */
export function gather(data: ArrayLike<number>, offset: number, step: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let c = 0, i = offset; c < count; c++, i += step) out[c] = data[i]!;
  return out;
}

/** The k most probable classes, most probable first; ties keep the lower class index first. */
export function topK(probs: ArrayLike<number>, k: number): { class: number; p: number }[] {
  const best: { class: number; p: number }[] = [];
  for (let c = 0; c < probs.length; c++) {
    const p = probs[c]!;
    if (best.length === k && p <= best[k - 1]!.p) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.p < p) at--;
    best.splice(at, 0, { class: c, p });
    if (best.length > k) best.pop();
  }
  return best;
}
