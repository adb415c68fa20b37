import { describe, expect, inject, it } from 'vitest';
import { S3ObjectStore, createObjectStore, loadConfig } from '@orion/shared';
import { objectStoreContract } from './object-store-contract.js';

const s3 = inject('s3');
const makeStore = (prefix = '') =>
  new S3ObjectStore({
    bucket: s3.bucket,
    prefix,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: s3.credentials,
    partSize: 5 * 1024 * 1024, // S3's minimum, so the 20 MiB upload really is multipart
  });

objectStoreContract('S3 (s3rver over HTTP)', async () => makeStore());
objectStoreContract('S3 with a key prefix', async () => makeStore('tenant-a/'));

describe('S3ObjectStore', () => {
  it('accepts uploads to a presigned PUT URL', async () => {
    const store = makeStore();
    const url = await store.presignPut('presigned/upload.bin', 300, 'application/octet-stream');
    const res = await fetch(url, {
      method: 'PUT',
      body: Buffer.from('uploaded directly'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(res.status).toBe(200);
    expect((await store.get('presigned/upload.bin')).toString()).toBe('uploaded directly');
    await store.deletePrefix('presigned/');
    await store.close();
  });

  it('is what STORAGE_URL=s3://… with the S3_* settings builds', async () => {
    const config = loadConfig({
      STORAGE_URL: `s3://${s3.bucket}/from-config`,
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    });
    const store = createObjectStore(config);
    expect(store.driver).toBe('s3');
    await store.put('k', 'v');
    // The prefix from the URL is applied underneath.
    const raw = makeStore();
    expect((await raw.get('from-config/k')).toString()).toBe('v');
    await store.deletePrefix('');
    expect(await raw.head('from-config/k')).toBeUndefined();
    await Promise.all([store.close(), raw.close()]);
  });
});
