import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { findManifest } from './find-manifest.js';
import { manifestFiles } from './manifest.js';
import { ModelFileError, checkFile } from './resolve-model.js';
import { CodedError } from '../errors/coded-error.js';

export interface PulledFile {
  file: string;
  path: string;
  action: 'present' | 'downloaded';
}

export interface PullOptions {
  /** Injected for tests and proxies; defaults to the global fetch. */
  fetch?: typeof globalThis.fetch;
}

/** The download failed (network, HTTP status) or the manifest has no URL for a missing file. */
export class ModelDownloadError extends CodedError {
  readonly code = 'ERR_MODEL_DOWNLOAD';
}

/**
 * Streams `url` into `target`, hashing on the way; the file appears under its name only once its sha256
 * matches, so an interrupted or tampered download never leaves a file that looks valid.
 */
async function download(
  model: string,
  url: string,
  target: string,
  expected: string,
  fetchFn: typeof globalThis.fetch,
): Promise<void> {
  let response: Response;
  try {
    response = await fetchFn(url, { redirect: 'follow' });
  } catch (err) {
    // fetch's own message is a bare "fetch failed"; the cause says why (DNS, refused, TLS …).
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new ModelDownloadError(
      `Cannot download ${url} for model "${model}": ${(err as Error).message}${cause ? ` (${cause})` : ''}`,
    );
  }
  if (!response.ok || !response.body) {
    throw new ModelDownloadError(
      `Cannot download ${url} for model "${model}": HTTP ${response.status} ${response.statusText}`,
    );
  }
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const partial = `${target}.${randomUUID()}.part`;
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      hasher,
      createWriteStream(partial),
    );
    const actual = hash.digest('hex');
    if (actual !== expected) {
      throw new ModelFileError(
        model,
        url,
        'corrupt',
        `the download has sha256 ${actual} but the manifest expects ${expected}; nothing was saved`,
      );
    }
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * Makes a model's weights and labels present and verified in `modelsDir`: files already there with
 * the right sha256 are kept, others are downloaded from the manifest's pinned URLs.
 */
export async function pullModel(
  name: string,
  modelsDir: string,
  options: PullOptions = {},
): Promise<PulledFile[]> {
  const { manifest } = await findManifest(name, modelsDir);
  const fetchFn = options.fetch ?? globalThis.fetch;
  await mkdir(modelsDir, { recursive: true });
  const results: PulledFile[] = [];
  for (const ref of manifestFiles(manifest)) {
    const path = join(modelsDir, ref.file);
    const status = await checkFile(path, ref.sha256);
    if (status.state === 'ok') {
      results.push({ file: ref.file, path, action: 'present' });
      continue;
    }
    if (!ref.url) {
      throw new ModelDownloadError(
        `${ref.file} of model "${name}" is ${status.state} in ${modelsDir} and its manifest has no download URL: copy the file there`,
      );
    }
    await download(name, ref.url, path, ref.sha256, fetchFn);
    results.push({ file: ref.file, path, action: 'downloaded' });
  }
  return results;
}
