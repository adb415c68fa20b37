import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { ObjectNotFoundError } from './errors.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import { listAllPages, pageSize } from './list-pages.js';
import type {
  Body,
  ByteRange,
  ListOptions,
  ListPage,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  ReadLocation,
} from './object-store.js';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Prepended to every key, ending with `/` (or empty). */
  prefix?: string;
  endpoint?: string;
  region: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Part size of multipart uploads of streams (default 8 MiB). */
  partSize?: number;
}

const DEFAULT_EXPIRY_SECONDS = 3600;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}

/** Objects in an S3 bucket (AWS S3, MinIO, s3rver …) under an optional key prefix. */
export class S3ObjectStore implements ObjectStore {
  readonly driver = 's3';
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;

  constructor(options: S3ObjectStoreOptions) {
    const config: S3ClientConfig = {
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Checksums only where S3 requires them: S3-compatible servers that do not understand the
      // default CRC trailers store streamed bodies with the trailer bytes inside.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    this.client = new S3Client(config);
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.partSize = options.partSize ?? 8 * 1024 * 1024;
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  async put(key: string, body: Body, options: PutOptions = {}): Promise<void> {
    const Key = this.objectKey(key);
    if (body instanceof Readable) {
      // Multipart upload: memory stays at a few parts whatever the stream's length.
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key, Body: body, ContentType: options.contentType },
        partSize: this.partSize,
        queueSize: 4,
        leavePartsOnError: false,
      });
      await upload.done();
      return;
    }
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentType: options.contentType }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const stream = await this.getStream(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined,
        }),
      );
      return res.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const res = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return { key, size: res.ContentLength ?? 0, lastModified: res.LastModified, etag: res.ETag };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertValidPrefix(prefix);
    const res = await this.client.send(
      new ListObjectsV2Command({
        Bucket: this.bucket,
        Prefix: this.prefix + prefix,
        ContinuationToken: options.cursor,
        MaxKeys: pageSize(options),
      }),
    );
    return {
      objects: (res.Contents ?? []).map((o) => ({
        key: o.Key!.slice(this.prefix.length),
        size: o.Size ?? 0,
        lastModified: o.LastModified,
        etag: o.ETag,
      })),
      nextCursor: res.IsTruncated ? res.NextContinuationToken : undefined,
    };
  }

  listAll(prefix: string): AsyncIterable<ObjectInfo> {
    return listAllPages(this, prefix);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    // Pages of at most 1000 keys: exactly what one DeleteObjects call accepts.
    for (;;) {
      const page = await this.list(prefix);
      if (page.objects.length === 0) return deleted;
      const res = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: page.objects.map((o) => ({ Key: this.prefix + o.key })), Quiet: true },
        }),
      );
      if (res.Errors?.length) {
        const first = res.Errors[0]!;
        throw new Error(
          `Deleting ${res.Errors.length} objects under ${prefix} failed: ${first.Key}: ${first.Message}`,
        );
      }
      deleted += page.objects.length;
    }
  }

  async removeIncompleteWrites(olderThan: Date): Promise<number> {
    let removed = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    // Parts of an unfinished multipart upload are billed storage but no object: only an abort frees them.
    do {
      let res;
      try {
        res = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            Prefix: this.prefix,
            KeyMarker,
            UploadIdMarker,
          }),
        );
      } catch (err) {
        // Some S3-compatible servers (s3rver) cannot list multipart uploads; nothing to find there.
        if ((err as { name?: string }).name === 'NotImplemented') return removed;
        throw err;
      }
      for (const upload of res.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= olderThan) continue;
        await this.client.send(
          new AbortMultipartUploadCommand({
            Bucket: this.bucket,
            Key: upload.Key,
            UploadId: upload.UploadId,
          }),
        );
        removed++;
      }
      KeyMarker = res.IsTruncated ? res.NextKeyMarker : undefined;
      UploadIdMarker = res.IsTruncated ? res.NextUploadIdMarker : undefined;
    } while (KeyMarker);
    return removed;
  }

  async readLocation(key: string, expiresInSeconds = DEFAULT_EXPIRY_SECONDS): Promise<ReadLocation> {
    if (!(await this.head(key))) throw new ObjectNotFoundError(key);
    const url = await getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      { expiresIn: expiresInSeconds },
    );
    return { kind: 'url', url, expiresAt: new Date(Date.now() + expiresInSeconds * 1000) };
  }

  presignPut(key: string, expiresInSeconds = DEFAULT_EXPIRY_SECONDS, contentType?: string): Promise<string> {
    return getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), ContentType: contentType }),
      { expiresIn: expiresInSeconds },
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
