import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startService, type RunningService } from '@orion/shared/local';

export interface RunningS3 extends RunningService {
  endpoint: string;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * A real S3 HTTP server (s3rver) in its own process with one bucket. s3rver encrypts list
 * continuation tokens with a cipher that OpenSSL 3 only offers through its legacy provider.
 */
export async function startS3Server(options: { bucket?: string } = {}): Promise<RunningS3> {
  const bucket = options.bucket ?? 'orion-test';
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'orion-s3rver-'));
  const bin = createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  const service = await startService({
    name: 's3rver',
    command: process.execPath,
    args: [
      bin,
      '--directory',
      dir,
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--silent',
      '--configure-bucket',
      bucket,
    ],
    port,
    workDir: dir,
    spawnOptions: { env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' } },
  });
  return {
    ...service,
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    // s3rver's fixed development credentials.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
}
