import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findManifest } from './find-manifest.js';
import type { ClassificationManifest, DetectionManifest, ModelManifest, ReidManifest } from './manifest.js';
import { sha256File } from './sha256.js';
import { CodedError } from '../errors/coded-error.js';

/** A model whose files are present and match their sha256, with its labels read. */
export interface ResolvedModel<M extends ModelManifest = ModelManifest> {
  manifest: M;
  /** `built-in`, or the path of the manifest file that defined the model. */
  manifestOrigin: string;
  modelsDir: string;
  modelPath: string;
  labels: string[];
}

/** The command that downloads a model into the models directory (shown in error messages). */
export const PULL_COMMAND = 'npx orion models pull';

/** A model file (weights or labels) is missing or does not match its manifest's sha256. */
export class ModelFileError extends CodedError {
  readonly code = 'ERR_MODEL_FILE';
  constructor(
    readonly model: string,
    readonly path: string,
    readonly problem: 'missing' | 'corrupt',
    detail: string,
  ) {
    super(`Model file ${problem}: ${path} (model "${model}"): ${detail}`);
  }
}

/** The model exists but does another job than the caller needs (e.g. a classifier as detector). */
export class WrongModelTaskError extends CodedError {
  readonly code = 'ERR_MODEL_TASK';
  constructor(model: string, expected: string, actual: string) {
    super(`Model "${model}" is a ${actual} model; a ${expected} model is needed here`);
  }
}

export type FileStatus = { state: 'ok' } | { state: 'missing' } | { state: 'corrupt'; actual: string };

export async function checkFile(path: string, expectedSha256: string): Promise<FileStatus> {
  if (!existsSync(path)) return { state: 'missing' };
  const actual = await sha256File(path);
  return actual === expectedSha256 ? { state: 'ok' } : { state: 'corrupt', actual };
}

async function verifyFile(model: string, path: string, expected: string): Promise<void> {
  const status = await checkFile(path, expected);
  if (status.state === 'missing') {
    throw new ModelFileError(
      model,
      path,
      'missing',
      `put the file there, point ORION_MODELS_DIR at the folder that has it, or download it with \`${PULL_COMMAND} ${model}\``,
    );
  }
  if (status.state === 'corrupt') {
    throw new ModelFileError(
      model,
      path,
      'corrupt',
      `its sha256 is ${status.actual} but the manifest expects ${expected}; replace it (\`${PULL_COMMAND} ${model}\`)`,
    );
  }
}

/** One label per non-empty line, in class index order. */
export function parseLabels(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/**
 * Finds a model's manifest and checks its files against their sha256, so that a missing or corrupt
 * file is an error naming the file at startup instead of a crash in the middle of a job.
 */
export async function resolveModel(name: string, modelsDir: string): Promise<ResolvedModel> {
  const { manifest, origin } = await findManifest(name, modelsDir);
  const modelPath = join(modelsDir, manifest.model.file);
  await verifyFile(name, modelPath, manifest.model.sha256);
  // Re-id models have no class head, so no labels (an empty list).
  let labels: string[] = [];
  if ('labels' in manifest) {
    const labelsPath = join(modelsDir, manifest.labels.file);
    await verifyFile(name, labelsPath, manifest.labels.sha256);
    labels = parseLabels(await readFile(labelsPath, 'utf8'));
  }
  return { manifest, manifestOrigin: origin, modelsDir, modelPath, labels };
}

/** A manifest of the model kind that does `task`. */
type ManifestOf<Task extends ModelManifest['task']> = Extract<ModelManifest, { task: Task }>;

/** resolveModel for a caller that needs one task: a model doing another is a WrongModelTaskError. */
async function resolveModelFor<Task extends ModelManifest['task']>(
  task: Task,
  name: string,
  modelsDir: string,
): Promise<ResolvedModel<ManifestOf<Task>>> {
  const resolved = await resolveModel(name, modelsDir);
  if (resolved.manifest.task !== task) throw new WrongModelTaskError(name, task, resolved.manifest.task);
  return resolved as ResolvedModel<ManifestOf<Task>>;
}

export function resolveDetectionModel(
  name: string,
  modelsDir: string,
): Promise<ResolvedModel<DetectionManifest>> {
  return resolveModelFor('detection', name, modelsDir);
}

export function resolveClassificationModel(
  name: string,
  modelsDir: string,
): Promise<ResolvedModel<ClassificationManifest>> {
  return resolveModelFor('classification', name, modelsDir);
}

export function resolveReidModel(name: string, modelsDir: string): Promise<ResolvedModel<ReidManifest>> {
  return resolveModelFor('reid', name, modelsDir);
}
