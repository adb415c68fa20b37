import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestVideo } from './videos.js';

/** Uploads for API tests, made once per file: a 25 s and a 4 s testsrc2 video, and a text file named .mp4. */
export async function makeUploadMedia() {
  const dir = await mkdtemp(join(tmpdir(), 'orion-media-'));
  const [long, short] = await Promise.all([
    makeTestVideo({ out: join(dir, 'long.mp4'), seconds: 25, fps: 10, width: 160, height: 120 }),
    makeTestVideo({ out: join(dir, 'short.mp4'), seconds: 4, fps: 10, width: 160, height: 120 }),
  ]);
  const text = join(dir, 'notes.mp4');
  await writeFile(text, 'this is a text file, not a video\n'.repeat(100));
  return { dir, long, short, text, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export type UploadMedia = Awaited<ReturnType<typeof makeUploadMedia>>;

/** A multipart body with the files under `file` and the given fields, as POST /v1/videos takes it. */
export async function fileForm(files: { path: string; name: string }[], fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('file', await openAsBlob(f.path), f.name);
  return form;
}
