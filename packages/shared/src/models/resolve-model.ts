import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILTIN_MANIFESTS } from './builtin-manifests.js';
import {
  InvalidManifestError,
  parseManifest,
  type ClassificationManifest,
  type DetectionManifest,
  type ModelManifest,
} from './manifest.js';
import { sha256File } from './sha256.js';

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
export class ModelFileError extends Error {
  readonly code = 'ERR_MODEL_FILE';
  constructor(
    readonly model: string,
    readonly path: string,
    readonly problem: 'missing' | 'corrupt',
    detail: string,
  ) {
    super(`Model file ${problem}: ${path} (model "${model}"): ${detail}`);
    this.name = 'ModelFileError';
  }
}

/** No manifest of that name, neither in the models directory nor built in. */
export class UnknownModelError extends Error {
  readonly code = 'ERR_UNKNOWN_MODEL';
  constructor(
    readonly model: string,
    modelsDir: string,
  ) {
    super(
      `Unknown model "${model}": there is no ${manifestPath(modelsDir, model)} and no built-in model of that name (built-in: ${BUILTIN_MANIFESTS.map((m) => m.name).join(', ')})`,
    );
    this.name = 'UnknownModelError';
  }
}

/** The model exists but does another job than the caller needs (e.g. a classifier as detector). */
export class WrongModelTaskError extends Error {
  readonly code = 'ERR_MODEL_TASK';
  constructor(model: string, expected: string, actual: string) {
    super(`Model "${model}" is a ${actual} model; a ${expected} model is needed here`);
    this.name = 'WrongModelTaskError';
  }
}

export const manifestPath = (modelsDir: string, name: string) => join(modelsDir, `${name}.model.json`);

/**
 * A manifest file of a models directory, parsed by `parse`; undefined when there is no such file. A
 * file that is not JSON, does not parse, or names another model is an InvalidManifestError.
 */
export async function readManifestFile<T extends { name: string }>(
  path: string,
  name: string,
  parse: (json: unknown, origin: string) => T,
): Promise<T | undefined> {
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new InvalidManifestError(path, [`not valid JSON (${(err as Error).message})`]);
  }
  const manifest = parse(json, path);
  if (manifest.name !== name) throw new InvalidManifestError(path, [`name: must be "${name}"`]);
  return manifest;
}

/** The manifest of `name`: `<modelsDir>/<name>.model.json` when present, else the built-in one. */
export async function findManifest(
  name: string,
  modelsDir: string,
): Promise<{ manifest: ModelManifest; origin: string }> {
  const path = manifestPath(modelsDir, name);
  const manifest = await readManifestFile(path, name, parseManifest);
  if (manifest) return { manifest, origin: path };
  const builtin = BUILTIN_MANIFESTS.find((m) => m.name === name);
  if (!builtin) throw new UnknownModelError(name, modelsDir);
  return { manifest: builtin, origin: 'built-in' };
}

/** Every model name known in `modelsDir`: the built-in ones and those with a manifest file there. */
export async function listModelNames(modelsDir: string): Promise<string[]> {
  const names = new Set(BUILTIN_MANIFESTS.map((m) => m.name));
  const entries = existsSync(modelsDir) ? await readdir(modelsDir) : [];
  for (const entry of entries) if (entry.endsWith('.model.json')) names.add(entry.slice(0, -11));
  return [...names].sort();
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
  const labelsPath = join(modelsDir, manifest.labels.file);
  await verifyFile(name, modelPath, manifest.model.sha256);
  await verifyFile(name, labelsPath, manifest.labels.sha256);
  const labels = parseLabels(await readFile(labelsPath, 'utf8'));
  return { manifest, manifestOrigin: origin, modelsDir, modelPath, labels };
}

export async function resolveDetectionModel(
  name: string,
  modelsDir: string,
): Promise<ResolvedModel<DetectionManifest>> {
  const resolved = await resolveModel(name, modelsDir);
  if (resolved.manifest.task !== 'detection') {
    throw new WrongModelTaskError(name, 'detection', resolved.manifest.task);
  }
  return resolved as ResolvedModel<DetectionManifest>;
}

export async function resolveClassificationModel(
  name: string,
  modelsDir: string,
): Promise<ResolvedModel<ClassificationManifest>> {
  const resolved = await resolveModel(name, modelsDir);
  if (resolved.manifest.task !== 'classification') {
    throw new WrongModelTaskError(name, 'classification', resolved.manifest.task);
  }
  return resolved as ResolvedModel<ClassificationManifest>;
}
