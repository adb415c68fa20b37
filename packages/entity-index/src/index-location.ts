import type { OrionConfig } from '@orion/shared';

/** Where LanceDB keeps the tenants' tables, and how it reaches them. */
export interface IndexLocation {
  /** A folder (filesystem store) or an `s3://bucket/prefix` URI. */
  uri: string;
  /** object_store settings of LanceDB (S3 only). */
  storageOptions?: Record<string, string>;
}

/** The index's folder under the store: no object key of Orion starts with it. */
export const INDEX_FOLDER = 'entity-index';

/**
 * The index beside the results, under the same STORAGE_URL: a folder under the filesystem store's
 * root, or a prefix in the S3 bucket, reached with the same S3_* settings.
 */
export function indexLocation(config: Pick<OrionConfig, 'storage' | 's3'>): IndexLocation {
  const { storage, s3 } = config;
  if (storage.driver === 'fs') return { uri: `${storage.root.replace(/\/+$/, '')}/${INDEX_FOLDER}` };
  const storageOptions: Record<string, string> = { region: s3.region };
  if (s3.endpoint) {
    storageOptions.endpoint = s3.endpoint;
    // A local S3 server (s3rver, MinIO) speaks plain HTTP.
    if (s3.endpoint.startsWith('http://')) storageOptions.allow_http = 'true';
  }
  if (s3.forcePathStyle) storageOptions.virtual_hosted_style_request = 'false';
  if (s3.credentials) {
    storageOptions.aws_access_key_id = s3.credentials.accessKeyId;
    storageOptions.aws_secret_access_key = s3.credentials.secretAccessKey;
  }
  return { uri: `s3://${storage.bucket}/${storage.prefix}${INDEX_FOLDER}`, storageOptions };
}
