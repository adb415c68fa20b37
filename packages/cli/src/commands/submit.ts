import { MultiBar, Presets } from 'cli-progress';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import type { SubmitOptions, SubmitResponse } from '@orion/shared/api';
import type { ApiClient } from '../api-client.js';
import { formatTable } from '../format.js';

const CONCURRENCY = 3;

/** Uploads each file (a few at a time) with one progress bar per file, then prints the ids. */
export async function submit(
  client: ApiClient,
  files: string[],
  options: SubmitOptions & { json?: boolean },
) {
  for (const f of files) {
    await access(f).catch(() => {
      throw new Error(`no such file: ${f}`);
    });
  }
  const interactive = process.stderr.isTTY && !options.json;
  // Bars only on a terminal: piped output stays clean for scripts.
  const bars = interactive
    ? new MultiBar(
        {
          format: ' {file} |{bar}| {percentage}% {value}/{total} MiB',
          hideCursor: true,
          stream: process.stderr,
        },
        Presets.shades_classic,
      )
    : undefined;
  const results: SubmitResponse['videos'] = new Array(files.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, files.length) }, async () => {
      while (next < files.length) {
        const i = next++;
        const file = files[i]!;
        const bar = bars?.create(1, 0, { file: basename(file).padEnd(28).slice(0, 28) });
        const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
        const res = await client.uploadVideo(file, options, (sent, total) => {
          bar?.setTotal(mib(total));
          bar?.update(mib(sent));
        });
        results[i] = { ...res.videos[0], filename: basename(file) };
      }
    }),
  ).finally(() => bars?.stop());

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ videos: results }, null, 2)}\n`);
  } else {
    process.stdout.write(
      formatTable(
        ['file', 'video id', 'shards', 'result'],
        results.map((r) => [
          r.filename ?? '',
          r.id ?? '—',
          r.shards ?? '',
          r.error ? `refused: ${r.error.message}` : (r.state ?? ''),
        ]),
      ),
    );
  }
  return results;
}
