/**
 * Uploads one large file through POST /v1/videos and samples the API process's resident memory, to
 * show that uploads stream to storage instead of being buffered. Prints RSS before, peak during, and
 * the growth as a fraction of the upload size.
 *
 *   npm run bench:upload-memory -- [sizeMiB=1024]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiProcess, startRedisServer } from '@orion/testkit';
import { rssMiB } from './lib/process-rss.js';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);
const KEY = 'bench-key-0123456789abcdef';

/** A multipart body produced chunk by chunk: the benchmark itself never holds the file either. */
function multipartBody(boundary: string, size: number): ReadableStream<Uint8Array> {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(4 * MiB, 7);
  let sent = 0;
  let stage = 0;
  return new ReadableStream({
    pull(controller) {
      if (stage === 0) {
        controller.enqueue(head);
        stage = 1;
      } else if (stage === 1) {
        const n = Math.min(chunk.length, size - sent);
        controller.enqueue(chunk.subarray(0, n));
        sent += n;
        if (sent >= size) stage = 2;
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
}

const redis = await startRedisServer();
const dir = await mkdtemp(join(tmpdir(), 'orion-bench-upload-'));
const api = await apiProcess({
  REDIS_URL: redis.url,
  STORAGE_URL: `file://${dir}`,
  API_KEYS: `${KEY}=bench`,
  API_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  MAX_UPLOAD_BYTES: String(sizeMiB * MiB + MiB),
});
try {
  await new Promise((r) => setTimeout(r, 500));
  const before = rssMiB(api.pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(api.pid))), 50);
  const boundary = `----orion${Date.now()}`;
  const started = performance.now();
  const res = await fetch(`${api.url}/v1/videos`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: multipartBody(boundary, sizeMiB * MiB),
    duplex: 'half',
  } as RequestInit);
  const body = await res.text();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  console.log(
    `upload: ${sizeMiB} MiB in ${seconds.toFixed(1)} s (${(sizeMiB / seconds).toFixed(0)} MiB/s), HTTP ${res.status}`,
  );
  console.log(
    `api RSS: before ${before.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB, growth ${(peak - before).toFixed(0)} MiB`,
  );
  console.log(`growth / upload size: ${((peak - before) / sizeMiB).toFixed(3)}`);
  if (res.status !== 202) console.log(body);
} finally {
  await api.close();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
