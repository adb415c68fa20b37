import type { OrionConfig } from '../config/load-config.js';
import { FsObjectStore } from './fs-object-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

/** The store that STORAGE_URL (and the S3_* settings) name. */
export function createObjectStore(config: Pick<OrionConfig, 'storage' | 's3'>): ObjectStore {
  const { storage, s3 } = config;
  if (storage.driver === 'fs') return new FsObjectStore(storage.root);
  return new S3ObjectStore({ bucket: storage.bucket, prefix: storage.prefix, ...s3 });
}
