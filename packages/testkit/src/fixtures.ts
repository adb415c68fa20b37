import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@orion/shared';

/**
 * Absolute path of a file in `../shared` (models and fixtures). Tests that need it fail with a message
 * saying where the folder was expected rather than with ENOENT somewhere deeper.
 */
export function sharedPath(...parts: string[]): string {
  const dir = process.env.ORION_SHARED_DIR ?? sharedDir();
  if (!dir)
    throw new Error('The shared models and fixtures folder (../shared beside the checkout) is missing');
  const path = join(dir, ...parts);
  if (!existsSync(path)) throw new Error(`Missing shared file: ${path}`);
  return path;
}

export const fixturePath = (...parts: string[]) => sharedPath('fixtures', ...parts);
export const modelPath = (...parts: string[]) => sharedPath('models', ...parts);
