import { join } from 'node:path';
import type { Command } from 'commander';

// The model functions come with @orion/shared (sharp, onnxruntime, the AWS SDK …): loaded when a
// models command runs, so that the API commands start without them.
const shared = () => import('@orion/shared');

/** The models directory the services use: ORION_MODELS_DIR, else ../shared/models, else ~/.cache/orion/models. */
async function modelsDir(): Promise<string> {
  const { loadConfig } = await shared();
  return loadConfig().modelsDir;
}

/** Every known model and the state of its files. */
async function list(): Promise<void> {
  const { checkFile, findManifest, listModelNames, manifestFiles } = await shared();
  const dir = await modelsDir();
  console.log(`models directory: ${dir}`);
  for (const name of await listModelNames(dir)) {
    const { manifest, origin } = await findManifest(name, dir);
    const states = await Promise.all(
      manifestFiles(manifest).map(async (ref) => {
        const status = await checkFile(join(dir, ref.file), ref.sha256);
        return `${ref.file}: ${status.state}`;
      }),
    );
    console.log(`${name.padEnd(18)} ${manifest.task.padEnd(15)} ${states.join(', ')}  (${origin})`);
  }
}

/** Checks each model's files against their sha256 and reads its labels; `pull` downloads first. */
async function verify(names: string[], pull: boolean): Promise<void> {
  const { pullModel, resolveModel } = await shared();
  const dir = await modelsDir();
  for (const name of names) {
    if (pull) {
      for (const f of await pullModel(name, dir)) console.log(`${name}: ${f.file} ${f.action} (${f.path})`);
    }
    const model = await resolveModel(name, dir);
    console.log(`${name}: ok, ${model.labels.length} labels, ${model.modelPath}`);
  }
}

/** `orion models list | verify <names…> | pull <names…>`: the detector and embedder model files. */
export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('list, verify or download the model files the workers load (ORION_MODELS_DIR)');
  models.command('list').description('every known model and the state of its files').action(list);
  models
    .command('verify')
    .description("check models' files against their sha256 and read their labels")
    .argument('<names...>', 'model names')
    .action((names: string[]) => verify(names, false));
  models
    .command('pull')
    .description("download missing or corrupt files from the manifests' pinned URLs (sha256-checked)")
    .argument('<names...>', 'model names')
    .action((names: string[]) => verify(names, true));
}
