import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The module at `relative` (no extension) from `base` (a caller's `import.meta.url`), with the
 * caller's own extension: `.ts` when running from sources, `.js` when built.
 */
export function siblingModule(base: string | URL, relative: string): URL {
  return new URL(`${relative}${extname(fileURLToPath(base))}`, base);
}
