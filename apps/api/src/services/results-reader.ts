import type { Readable } from 'node:stream';
import {
  ObjectNotFoundError,
  parseCropsIndex,
  readEntities,
  readObservations,
  videoKeys,
  type EntitiesFile,
  type ObjectStore,
  type ObservationsFile,
  type VideoRecord,
} from '@orion/shared';
import { HttpError, notFound } from '../errors.js';

/** Reads the current clustering run of a video; 409 until the video has results. */
export class ResultsReader {
  constructor(private readonly store: ObjectStore) {}

  private async load<T>(record: VideoRecord, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof ObjectNotFoundError) {
        throw new HttpError(
          409,
          'RESULTS_NOT_READY',
          `Video ${record.id} has no results yet (state ${record.state})`,
        );
      }
      throw err;
    }
  }

  entities(record: VideoRecord): Promise<EntitiesFile> {
    return this.load(record, () => readEntities(this.store, record.id, record.runId));
  }

  observations(record: VideoRecord): Promise<ObservationsFile> {
    return this.load(record, () => readObservations(this.store, record.id, record.runId));
  }

  /** The JPEG crop of one observation (`{shard}:{detection}`), read by byte range from its shard's pack. */
  async crop(record: VideoRecord, observationId: string): Promise<{ stream: Readable; length: number }> {
    const [shard, detection] = observationId.split(':').map(Number);
    if (!Number.isInteger(shard) || !Number.isInteger(detection))
      throw notFound(`No observation ${observationId}`);
    const keys = videoKeys(record.id).shard(shard!);
    const index = parseCropsIndex(await this.store.get(keys.cropsIndex), keys.cropsIndex);
    const entry = index.crops.find((c) => c.detection === detection);
    if (!entry) throw notFound(`No crop for observation ${observationId}`);
    const stream = await this.store.getStream(keys.crops, {
      start: entry.offset,
      end: entry.offset + entry.length - 1,
    });
    return { stream, length: entry.length };
  }

  /** Many crops at once, one pack read per shard involved. */
  async crops(record: VideoRecord, observationIds: string[]): Promise<Map<string, Buffer>> {
    const byShard = new Map<number, number[]>();
    for (const id of observationIds) {
      const [shard, detection] = id.split(':').map(Number);
      if (Number.isInteger(shard) && Number.isInteger(detection)) {
        (byShard.get(shard!) ?? byShard.set(shard!, []).get(shard!)!).push(detection!);
      }
    }
    const out = new Map<string, Buffer>();
    for (const [shard, detections] of byShard) {
      const keys = videoKeys(record.id).shard(shard);
      const [indexRaw, bin] = await Promise.all([
        this.store.get(keys.cropsIndex),
        this.store.get(keys.crops),
      ]);
      const index = parseCropsIndex(indexRaw, keys.cropsIndex);
      for (const entry of index.crops) {
        if (detections.includes(entry.detection)) {
          out.set(`${shard}:${entry.detection}`, bin.subarray(entry.offset, entry.offset + entry.length));
        }
      }
    }
    return out;
  }
}
