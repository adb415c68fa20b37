import { PassThrough, type Readable } from 'node:stream';
import archiver, { type Archiver } from 'archiver';
import {
  parseCropsIndex,
  videoKeys,
  type CropEntry,
  type ObjectStore,
  type VideoRecord,
} from '@orion/shared';
import type { FlagExportArchive, FlagExportFormat } from '@orion/shared/api';
import { buildFlagDataset, cocoJson, yoloDataYaml, yoloLabel, type FlagDataset } from './flag-dataset.js';
import { ResultsReader } from './results-reader.js';

export interface FlagExportStream {
  stream: Readable;
  contentType: string;
  filename: string;
  dataset: FlagDataset;
}

/**
 * Streams a video's flagged crops as a labelled data set in a zip or tar. Everything that can fail
 * (no results: 409; a missing crop index) fails before the first byte; the crops then go out one
 * shard's pack at a time, each pack read only when the archive has written the previous one, so memory
 * stays at one pack however many flags there are and a slow client slows the reads.
 */
export class FlagExport {
  private readonly results: ResultsReader;

  constructor(private readonly store: ObjectStore) {
    this.results = new ResultsReader(store);
  }

  async open(
    record: VideoRecord,
    format: FlagExportFormat,
    container: FlagExportArchive,
  ): Promise<FlagExportStream> {
    const { observations, runId } = await this.results.observations(record);
    const flagged = observations.filter((o) => o.flag);
    const crops = new Map<string, CropEntry>();
    for (const shard of new Set(flagged.map((o) => o.shard))) {
      const key = videoKeys(record.id).shard(shard).cropsIndex;
      for (const entry of parseCropsIndex(await this.store.get(key), key).crops)
        crops.set(`${shard}:${entry.detection}`, entry);
    }
    const dataset = buildFlagDataset(flagged, crops);

    // JPEGs do not shrink: store them; tar has no compression of its own.
    const archive = container === 'zip' ? archiver('zip', { store: true }) : archiver('tar');
    // The response gets a pass-through, never the archive: when the client goes away the response is
    // destroyed, and a destroyed archiver still feeds its queued entries to its packer, which throws
    // outside any handler (archiver's abort() cannot stop a tar). So the archive is cut loose instead:
    // no more crops are read, what is queued drains to nowhere, and it finishes normally.
    const stream = new PassThrough();
    let gone = false;
    archive.on('error', (err) => stream.destroy(err));
    stream.on('close', () => {
      if (stream.writableFinished) return;
      gone = true;
      archive.unpipe(stream);
      archive.resume();
    });
    archive.pipe(stream);
    const entries = archiveEntries(archive);
    const add = (data: string, name: string) => {
      archive.append(data, { name });
      entries.count++;
    };
    const manifest = {
      videoId: record.id,
      runId,
      format,
      items: dataset.images.map((i) => i.item),
      skipped: dataset.skipped,
    };
    add(`${JSON.stringify(manifest, null, 2)}\n`, 'flags.json');
    if (format === 'coco') {
      const coco = cocoJson(dataset, { videoId: record.id, runId, createdAt: new Date() });
      add(JSON.stringify(coco), 'annotations.json');
    } else {
      add(yoloDataYaml(dataset), 'data.yaml');
      add(dataset.classes.map((c) => `${c}\n`).join(''), 'classes.txt');
      for (const img of dataset.images)
        add(yoloLabel(dataset, img), `labels/${img.item.file.replace(/\.jpg$/, '.txt')}`);
    }
    // A failure after the first byte can only cut the stream: the client sees a truncated archive. A
    // client that goes away destroys the archive; its error is the stream's, not an unhandled rejection.
    this.appendImages(record, dataset, archive, entries, () => gone)
      .then(
        () => archive.finalize(),
        (err: Error) => void stream.destroy(err),
      )
      .catch(() => undefined);
    return {
      stream,
      dataset,
      contentType: container === 'zip' ? 'application/zip' : 'application/x-tar',
      filename: `${record.id}-flags-${format}.${container}`,
    };
  }

  private async appendImages(
    record: VideoRecord,
    dataset: FlagDataset,
    archive: Archiver,
    appended: EntryCount,
    gone: () => boolean,
  ): Promise<void> {
    const byShard = new Map<number, FlagDataset['images']>();
    for (const img of dataset.images)
      (byShard.get(img.shard) ?? byShard.set(img.shard, []).get(img.shard)!).push(img);
    for (const [shard, images] of byShard) {
      await entriesWritten(archive, appended);
      if (gone()) return;
      const bin = await this.store.get(videoKeys(record.id).shard(shard).crops);
      for (const img of images) {
        const { offset, length } = img.entry;
        if (offset + length > bin.length)
          throw new RangeError(`crop ${img.item.observation} lies outside its pack`);
        archive.append(bin.subarray(offset, offset + length), { name: `images/${img.item.file}` });
        appended.count++;
      }
    }
  }
}

/** Counts the entries archiver has written, so the next pack is read only once the last one is out. */
interface EntryCount {
  count: number;
  written: number;
}

function archiveEntries(archive: Archiver): EntryCount {
  const state = { count: 0, written: 0 };
  archive.on('entry', () => state.written++);
  return state;
}

function entriesWritten(archive: Archiver, state: EntryCount): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (state.written >= state.count) {
        archive.off('entry', check).off('error', reject);
        resolve();
      }
    };
    archive.on('entry', check).on('error', reject);
    check();
  });
}
