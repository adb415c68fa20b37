import type { InferenceSession } from 'onnxruntime-node';
import {
  createModelSession,
  type ClassificationManifest,
  type ExecutionProvider,
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
  provider: ExecutionProvider;
  close(): Promise<void>;
}

/**
 * The image tower through createModelSession: provider choice, profiled warm-up (the provider
 * reported is the one that really ran) and the input check, which accepts named dimensions.
 */
export async function openImageTower(
  manifest: ClipManifest,
  path: string,
  opts: ModelLoadOptions,
): Promise<ImageSession> {
  return createModelSession(imageTowerAsModel(manifest, opts.modelsDir, path), {
    executionProvider: opts.executionProvider,
    ...sessionThreads(opts),
    logger: opts.logger,
  });
}
