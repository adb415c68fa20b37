import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILTIN_MANIFESTS } from './builtin-manifests.js';
import { InvalidManifestError, parseManifest, type ModelManifest } from './manifest.js';

/**
 * Where one kind of manifest comes from: a file per model in the models directory, which adds a model
 * or overrides the built-in one of the same name (model manifests here, CLIP manifests in
 * @orion/embeddings).
 */
export interface ManifestSource<T extends { name: string }> {
  /** The manifest file of `name` in a models directory. */
  path(modelsDir: string, name: string): string;
  parse(json: unknown, origin: string): T;
  builtins: readonly T[];
  /** The error for a name that has neither a file in `modelsDir` nor a built-in manifest. */
  unknown(name: string, modelsDir: string): Error;
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

export const manifestPath = (modelsDir: string, name: string) => join(modelsDir, `${name}.model.json`);

/** Detector and classifier manifests: `<name>.model.json`, or BUILTIN_MANIFESTS. */
export const MODEL_MANIFESTS: ManifestSource<ModelManifest> = {
  path: manifestPath,
  parse: parseManifest,
  builtins: BUILTIN_MANIFESTS,
  unknown: (name, modelsDir) => new UnknownModelError(name, modelsDir),
};

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

/** The manifest of `name` from `source`: its file in `modelsDir` when present, else the built-in one. */
export async function findManifestIn<T extends { name: string }>(
  source: ManifestSource<T>,
  name: string,
  modelsDir: string,
): Promise<{ manifest: T; origin: string }> {
  const path = source.path(modelsDir, name);
  const manifest = await readManifestFile(path, name, source.parse);
  if (manifest) return { manifest, origin: path };
  const builtin = source.builtins.find((m) => m.name === name);
  if (!builtin) throw source.unknown(name, modelsDir);
  return { manifest: builtin, origin: 'built-in' };
}

/** The manifest of `name`: `<modelsDir>/<name>.model.json` when present, else the built-in one. */
export function findManifest(
  name: string,
  modelsDir: string,
): Promise<{ manifest: ModelManifest; origin: string }> {
  return findManifestIn(MODEL_MANIFESTS, name, modelsDir);
}

/** Every model name known in `modelsDir`: the built-in ones and those with a manifest file there. */
export async function listModelNames(modelsDir: string): Promise<string[]> {
  const names = new Set(BUILTIN_MANIFESTS.map((m) => m.name));
  const entries = existsSync(modelsDir) ? await readdir(modelsDir) : [];
  for (const entry of entries) if (entry.endsWith('.model.json')) names.add(entry.slice(0, -11));
  return [...names].sort();
}
