import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { Option, type Command } from 'commander';
import {
  FLAG_EXPORT_ARCHIVES,
  FLAG_EXPORT_FORMATS,
  type FlagExportArchive,
  type FlagExportFormat,
} from '@orion/shared/api';
import type { ApiClient } from '../api-client.js';

export interface FlagExportOptions {
  format: FlagExportFormat;
  archive: FlagExportArchive;
  output?: string;
}

/**
 * `orion flags export <video>`: streams the flagged crops' data set to a file. It is written under a
 * temporary name and renamed when complete, so a failed or cut download leaves no file that looks whole.
 */
export async function exportFlags(client: ApiClient, id: string, o: FlagExportOptions): Promise<string> {
  const query = new URLSearchParams({ format: o.format, archive: o.archive });
  const res = await client.download(`/v1/videos/${encodeURIComponent(id)}/flags/export?${query}`);
  const file = o.output ?? `${id}-flags-${o.format}.${o.archive}`;
  const partial = `${file}.part`;
  try {
    await pipeline(Readable.fromWeb(res.body as ReadableStream), createWriteStream(partial));
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  const images = res.headers.get('x-orion-flag-images') ?? '?';
  const skipped = res.headers.get('x-orion-flags-skipped') ?? '?';
  process.stdout.write(
    `wrote ${file}: ${images} labelled crops (${skipped} flags without a label left out)\n`,
  );
  return file;
}

export function registerFlags(program: Command, client: () => ApiClient) {
  const flags = program.command('flags').description("use a video's misclassification flags");
  flags
    .command('export')
    .description('download the flagged crops as a labelled data set (COCO or YOLO, in a zip or tar)')
    .argument('<video>', 'video id')
    .addOption(
      new Option('--format <format>', 'data set layout').choices(FLAG_EXPORT_FORMATS).makeOptionMandatory(),
    )
    .addOption(new Option('--archive <archive>', 'container').choices(FLAG_EXPORT_ARCHIVES).default('zip'))
    .option('-o, --output <file>', 'where to write it (default <video>-flags-<format>.<archive>)')
    .action(async (video: string, o: FlagExportOptions) => {
      await exportFlags(client(), video, o);
    });
}
