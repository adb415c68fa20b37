import { join } from 'node:path';
import {
  checkFile,
  findManifest,
  listModelNames,
  loadConfigOrExit,
  pullModel,
  resolveModel,
} from '@orion/shared';

// `npm run models -w @orion/detect-worker -- <command>`: list, verify or download models into the
// models directory (ORION_MODELS_DIR, else ../shared/models, else ~/.cache/orion/models).

const USAGE = `usage: models list | verify <name> | pull <name>...
  list           every known model and the state of its files
  verify <name>  check a model's files against their sha256 and read its labels
  pull <name>    download missing or corrupt files from the manifest's pinned URLs (sha256-checked)`;

async function list(modelsDir: string): Promise<void> {
  console.log(`models directory: ${modelsDir}`);
  for (const name of await listModelNames(modelsDir)) {
    const { manifest, origin } = await findManifest(name, modelsDir);
    const states = await Promise.all(
      [manifest.model, manifest.labels].map(async (ref) => {
        const status = await checkFile(join(modelsDir, ref.file), ref.sha256);
        return `${ref.file}: ${status.state}`;
      }),
    );
    console.log(`${name.padEnd(18)} ${manifest.task.padEnd(15)} ${states.join(', ')}  (${origin})`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...names] = argv;
  const { modelsDir } = loadConfigOrExit();
  if (command === 'list') {
    await list(modelsDir);
    return 0;
  }
  if ((command === 'verify' || command === 'pull') && names.length > 0) {
    for (const name of names) {
      if (command === 'pull') {
        for (const f of await pullModel(name, modelsDir))
          console.log(`${name}: ${f.file} ${f.action} (${f.path})`);
      }
      const model = await resolveModel(name, modelsDir);
      console.log(`${name}: ok, ${model.labels.length} labels, ${model.modelPath}`);
    }
    return 0;
  }
  console.error(USAGE);
  return 64;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
