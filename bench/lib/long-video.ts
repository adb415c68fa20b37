import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';

/**
 * One longer video made of fixtures back to back (scaled and padded to one size, 25 fps, H.264), for
 * runs that need more shards than any fixture has. Made once and kept in `dir`.
 */
export async function concatenatedVideo(files: string[], dir: string): Promise<string> {
  const name = `concat-${files.map((f) => basename(f).replace(/\.[^.]+$/, '')).join('+')}.mp4`;
  const out = join(dir, name);
  if (existsSync(out)) return out;
  await mkdir(dir, { recursive: true });
  const tmp = `${out}.partial.mp4`;
  const fit =
    'scale=640:360:force_original_aspect_ratio=decrease,pad=640:360:(ow-iw)/2:(oh-ih)/2,fps=25,setsar=1';
  const filters = files.map((_, i) => `[${i}:v]${fit}[v${i}]`);
  filters.push(`${files.map((_, i) => `[v${i}]`).join('')}concat=n=${files.length}:v=1:a=0[out]`);
  await new Promise<void>((resolve, reject) => {
    const cmd = ffmpeg();
    for (const f of files) cmd.input(f);
    cmd
      .complexFilter(filters.join(';'))
      .outputOptions(['-map [out]', '-c:v libx264', '-preset veryfast', '-crf 23', '-pix_fmt yuv420p', '-an'])
      .on('error', (err) => reject(new Error(`cannot concatenate ${files.join(', ')}: ${err.message}`)))
      .on('end', () => resolve())
      .save(tmp);
  });
  await rename(tmp, out);
  return out;
}
