import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ObjectStore } from '../storage/object-store.js';

/*
 * A deleted video's tombstone: one Redis key per video, set before anything of the video is removed.
 * Jobs already running when a video is deleted cannot be pulled from their worker; they check this key
 * (one EXISTS) before each write and stop instead of writing into a deleted video. A key of its own,
 * rather than the record's state, because the record is gone once DELETE answers, and because the key
 * expires by itself: a day is far longer than any job runs, and the sweep (apps/api) removes what a job
 * wrote between its check and its write.
 */

export const TOMBSTONE_TTL_SECONDS = 24 * 3600;

export const tombstoneKey = (prefix: string, videoId: string) => `${prefix}:deleted-video:${videoId}`;

/** Thrown by a job of a deleted video: unrecoverable, so BullMQ fails it for good without retrying. */
export class VideoDeletedError extends UnrecoverableError {
  constructor(videoId: string) {
    super(`video ${videoId} was deleted while this job ran; its outputs were not written`);
    this.name = 'VideoDeletedError';
  }
}

export class VideoTombstones {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async mark(videoId: string): Promise<void> {
    await this.redis.set(tombstoneKey(this.prefix, videoId), '1', 'EX', TOMBSTONE_TTL_SECONDS);
  }

  async isDeleted(videoId: string): Promise<boolean> {
    return (await this.redis.exists(tombstoneKey(this.prefix, videoId))) === 1;
  }
}

/**
 * The store as one job sees it: every write first checks its video's tombstone, so a job that
 * outlives its video's deletion fails before writing rather than leaving files behind.
 */
export function storeForVideoJob(store: ObjectStore, checkNotDeleted: () => Promise<void>): ObjectStore {
  return {
    driver: store.driver,
    async put(key, body, options) {
      await checkNotDeleted();
      return store.put(key, body, options);
    },
    get: (key) => store.get(key),
    getStream: (key, range) => store.getStream(key, range),
    head: (key) => store.head(key),
    list: (prefix, options) => store.list(prefix, options),
    listAll: (prefix) => store.listAll(prefix),
    delete: (key) => store.delete(key),
    deletePrefix: (prefix) => store.deletePrefix(prefix),
    removeIncompleteWrites: (olderThan) => store.removeIncompleteWrites(olderThan),
    readLocation: (key, expires) => store.readLocation(key, expires),
    presignPut: (key, expires, contentType) => store.presignPut(key, expires, contentType),
    // The job's view does not own the store: the thread closes it.
    close: async () => undefined,
  };
}
