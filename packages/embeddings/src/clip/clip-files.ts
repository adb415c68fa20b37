import { join } from 'node:path';
import { ModelFileError, checkFile } from '@orion/shared';
import type { ClipManifest } from './clip-manifest.js';

/**
 * Checks both encoder files against their sha256: a missing or corrupt one is an error that names it
 * and where to get it, at startup rather than in the middle of a job.
 */
export async function verifyClipFiles(
  manifest: ClipManifest,
  modelsDir: string,
): Promise<{ image: string; text: string }> {
  const paths = { image: '', text: '' };
  for (const [tower, ref] of [
    ['image', manifest.imageEncoder.model],
    ['text', manifest.textEncoder.model],
  ] as const) {
    const path = join(modelsDir, ref.file);
    const status = await checkFile(path, ref.sha256);
    const fetch = ref.url
      ? `download it from ${ref.url} (docs/embeddings.md, "Installing CLIP weights")`
      : 'copy the file there (its manifest has no download URL)';
    if (status.state === 'missing')
      throw new ModelFileError(manifest.name, path, 'missing', `the ${tower} encoder: ${fetch}`);
    if (status.state === 'corrupt') {
      throw new ModelFileError(
        manifest.name,
        path,
        'corrupt',
        `the ${tower} encoder has sha256 ${status.actual} but the manifest expects ${ref.sha256}; ${fetch}`,
      );
    }
    paths[tower] = path;
  }
  return paths;
}
