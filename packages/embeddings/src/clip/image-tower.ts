import { InferenceSession, Tensor } from 'onnxruntime-node';
import {
  ExecutionProviderError,
  ModelMismatchError,
  createModelSession,
  type ClassificationManifest,
  type InputSpec,
  type ResolvedModel,
} from '@orion/shared';
import { sessionThreads, type ModelLoadOptions } from '../load-options.js';
import type { ClipManifest } from './clip-manifest.js';

/**
 * createModelSession (provider choice, profiled warm-up, input check) reads a manifest's name, file
 * and input spec only; an image tower has the shape of a classifier (one pixel input, one output).
 */
function imageTowerAsModel(
  manifest: ClipManifest,
  modelsDir: string,
  path: string,
): ResolvedModel<ClassificationManifest> {
  const { model, input, output } = manifest.imageEncoder;
  return {
    manifest: {
      name: manifest.name,
      task: 'classification',
      licence: manifest.licence,
      model,
      labels: model,
      input,
      output: { format: 'logits', name: output },
    },
    manifestOrigin: 'clip manifest',
    modelsDir,
    modelPath: path,
    labels: [],
  };
}

/** The image tower's session and the provider that really runs it. */
export interface ImageSession {
  session: InferenceSession;
  provider: string;
  close(): Promise<void>;
}

/**
 * Whether the input is [N, 3, H, W] as the manifest says, symbolic dimensions accepting any size
 * (Hugging Face exports name all four: batch_size, num_channels, height, width).
 */
function inputFits(session: InferenceSession, spec: InputSpec): boolean {
  const meta = session.inputMetadata.find((m) => m.name === spec.name);
  if (!meta?.isTensor || meta.shape.length !== 4) return false;
  const expected = [undefined, 3, spec.height, spec.width];
  return meta.shape.every((dim, i) => typeof dim !== 'number' || dim < 0 || i === 0 || dim === expected[i]);
}

/**
 * The image tower through createModelSession (provider choice, profiled warm-up, input check). That
 * check wants every non-batch dimension to be a number; for exports whose input dimensions are all
 * symbolic, the tower is checked here instead and runs on the CPU, which is then what is reported.
 */
export async function openImageTower(
  manifest: ClipManifest,
  path: string,
  opts: ModelLoadOptions,
): Promise<ImageSession> {
  const threads = sessionThreads(opts);
  try {
    return await createModelSession(imageTowerAsModel(manifest, opts.modelsDir, path), {
      executionProvider: opts.executionProvider,
      ...threads,
      logger: opts.logger,
    });
  } catch (err) {
    if (!(err instanceof ModelMismatchError)) throw err;
    const session = await InferenceSession.create(path, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads.intraOpThreads,
      interOpNumThreads: threads.interOpThreads,
      graphOptimizationLevel: 'all',
    });
    if (!inputFits(session, manifest.imageEncoder.input)) {
      await session.release();
      throw err;
    }
    if (opts.executionProvider === 'cuda') {
      await session.release();
      throw new ExecutionProviderError(
        `EXECUTION_PROVIDER=cuda but the image encoder of "${manifest.name}" has symbolic input dimensions, which only the CPU path accepts for now. Use EXECUTION_PROVIDER=auto or cpu.`,
      );
    }
    opts.logger?.warn(
      { model: manifest.name, provider: 'cpu' },
      'the CLIP image encoder has symbolic input dimensions: running it on the CPU',
    );
    return { session, provider: 'cpu', close: () => session.release() };
  }
}

/** Embedding size from an output of shape [N, D], when the shape gives it. */
export function outputDim(session: InferenceSession, output: string): number | undefined {
  const meta = session.outputMetadata.find((m) => m.name === output);
  const dim = meta?.isTensor && meta.shape.length === 2 ? meta.shape[1] : undefined;
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

/** The image embedding size from one run, for exports whose output shape is symbolic. */
export async function probeImageDim(ms: ImageSession, spec: InputSpec, output: string): Promise<number> {
  const { width, height } = spec;
  const input = new Tensor('float32', new Float32Array(3 * width * height), [1, 3, height, width]);
  return (await ms.session.run({ [spec.name]: input }))[output]!.data.length;
}
