import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The workspace root (the folder whose package.json declares `workspaces`), found by walking up from
 * this module. Every process of one checkout (API, workers, demo, tests) gets the same answer whatever
 * its working directory, which is what makes the embedded defaults shared between them.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
        if (pkg.workspaces) return dir;
      } catch {
        // an unreadable package.json is not the root; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** `../shared` beside the checkout: models and fixtures, when this machine has them. */
export function sharedDir(): string | undefined {
  const dir = resolve(projectRoot(), '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

export function defaultModelsDir(): string {
  const shared = sharedDir();
  if (shared && existsSync(join(shared, 'models'))) return join(shared, 'models');
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cache, 'orion', 'models');
}

export function defaultStorageUrl(): string {
  return `file://${join(projectRoot(), '.orion', 'data')}`;
}
