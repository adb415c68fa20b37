import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified?: Date;
  etag?: string;
}

export interface PutOptions {
  contentType?: string;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`; `end` omitted reads to the end. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface ListOptions {
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
  /** Page size, 1–1000 (default 1000). */
  limit?: number;
}

export interface ListPage {
  objects: ObjectInfo[];
  /** Present when more objects follow. */
  nextCursor?: string;
}

/** Where a reader outside Node (ffmpeg, ffprobe, a browser) can fetch an object. */
export type ReadLocation = { kind: 'path'; path: string } | { kind: 'url'; url: string; expiresAt: Date };

export type Body = Buffer | Uint8Array | string | Readable;

/**
 * The one storage interface of Orion. Keys are relative slash paths (see `assertValidKey`);
 * objects are written whole (a reader never sees a half-written object) and overwritten in place.
 */
export interface ObjectStore {
  readonly driver: 'fs' | 's3';
  /** Stores a buffer or a stream (streams are never buffered whole). */
  put(key: string, body: Body, options?: PutOptions): Promise<void>;
  /** The whole object; ObjectNotFoundError when absent. */
  get(key: string): Promise<Buffer>;
  /** A stream of the object or of a byte range of it; ObjectNotFoundError when absent. */
  getStream(key: string, range?: ByteRange): Promise<Readable>;
  /** Size and metadata, or undefined when absent. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** One page of the keys that start with `prefix`, in byte order. */
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /** Every key under `prefix`, page after page. */
  listAll(prefix: string): AsyncIterable<ObjectInfo>;
  delete(key: string): Promise<void>;
  /** Deletes every key under `prefix`; returns how many were deleted. */
  deletePrefix(prefix: string): Promise<number>;
  /** A local path (filesystem) or a presigned GET URL (S3) that ffmpeg can read directly. */
  readLocation(key: string, expiresInSeconds?: number): Promise<ReadLocation>;
  /**
   * Removes unfinished writes started before `olderThan` (a crashed process's partial upload): the
   * filesystem store's temporary files, S3's incomplete multipart uploads. Returns how many.
   */
  removeIncompleteWrites(olderThan: Date): Promise<number>;
  /** A presigned PUT URL for clients to upload directly (S3 only). */
  presignPut(key: string, expiresInSeconds?: number, contentType?: string): Promise<string>;
  close(): Promise<void>;
}
