import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { InputSpec } from '@orion/shared';

/** Size of one item of an output shaped [N, D] or [N, D, 1, …], when its metadata fixes every dimension. */
export function fixedOutputSize(session: InferenceSession, output: string): number | undefined {
  const meta = session.outputMetadata.find((m) => m.name === output);
  if (!meta?.isTensor || meta.shape.length < 2) return undefined;
  let size = 1;
  for (const dim of meta.shape.slice(1)) {
    if (typeof dim !== 'number' || dim <= 0) return undefined;
    size *= dim;
  }
  return size;
}

/**
 * Size of one image's embedding in `output`: from the shape when it is fixed, else from one run on a
 * blank image (exports whose output shapes are symbolic).
 */
export async function imageOutputSize(
  session: InferenceSession,
  spec: InputSpec,
  output: string,
): Promise<number> {
  const fixed = fixedOutputSize(session, output);
  if (fixed !== undefined) return fixed;
  const { width, height } = spec;
  const input = new Tensor('float32', new Float32Array(3 * width * height), [1, 3, height, width]);
  return (await session.run({ [spec.name]: input }))[output]!.data.length;
}
