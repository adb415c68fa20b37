/**
 * Exports a video with many flagged crops through GET /v1/videos/:id/flags/export and samples the API
 * process's resident memory, to show the archive is streamed (memory grows by about one shard's crop
 * pack, not by the archive). Prints, per layout and container: archive size, time, MiB/s, crops/s, and
 * the API's RSS growth against the archive size and against the largest pack.
 *
 *   npm run bench:flag-export -- [shards=10] [cropsPerShard=200]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  FsObjectStore,
  VideoRepository,
  createRedisConnection,
  type CropToPack,
  type Observation,
} from '@orion/shared';
import {
  apiProcess,
  completedVideoRecord,
  putRunObservations,
  putShardCrops,
  startRedisServer,
} from '@orion/testkit';
import { rssMiB } from './lib/process-rss.js';

const MiB = 1024 * 1024;
const shards = Number(process.argv[2] ?? 10);
const perShard = Number(process.argv[3] ?? 200);
const KEY = 'bench-key-0123456789abcdef';
const CLASSES = ['bottle', 'cup', 'dog', 'chair'];

/** Noise JPEGs (they do not compress, like real crops of texture): a few, reused. */
async function noiseJpegs(n: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      sharp(Buffer.from(Array.from({ length: 160 * 200 * 3 }, (_, j) => (j * 7919 + i * 104729) % 251)), {
        raw: { width: 160, height: 200, channels: 3 },
      })
        .jpeg({ quality: 85 })
        .toBuffer(),
    ),
  );
}

const redis = await startRedisServer();
const dir = await mkdtemp(join(tmpdir(), 'orion-bench-flags-'));
const api = await apiProcess({
  REDIS_URL: redis.url,
  QUEUE_PREFIX: 'bench',
  STORAGE_URL: `file://${dir}`,
  API_KEYS: `${KEY}=bench`,
  API_HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
});
const conn = createRedisConnection(redis.url);
try {
  const store = new FsObjectStore(dir);
  const id = randomUUID();
  await new VideoRepository(conn, 'bench').create(
    completedVideoRecord({
      id,
      tenantId: 'bench',
      durationSeconds: shards * 10,
      width: 1280,
      height: 720,
      fps: 25,
      plan: { shardSeconds: 10, targetFps: perShard / 10, shardCount: shards },
    }),
  );
  const jpegs = await noiseJpegs(16);
  const observations: Observation[] = [];
  let largestPack = 0;
  let cropBytes = 0;
  for (let s = 0; s < shards; s++) {
    const crops: CropToPack[] = [];
    for (let d = 0; d < perShard; d++) {
      const jpeg = jpegs[(s * perShard + d) % jpegs.length]!;
      crops.push({ detection: d, frame: d, region: [100, 100, 160, 200], jpeg, width: 160, height: 200 });
      const noObject = d % 5 === 0;
      observations.push({
        id: `${s}:${d}`,
        shard: s,
        detection: d,
        frame: d,
        t: s * 10 + d / 20,
        box: [115, 118, 245, 282],
        label: 'cup',
        score: 0.5,
        entity: null,
        tracklet: null,
        probability: 0,
        verification: null,
        flag: {
          reasons: ['verification'],
          suggestedClass: noObject ? null : CLASSES[d % CLASSES.length]!,
          evidence: noObject ? { verdict: 'no-object' } : {},
        },
      });
    }
    const packBytes = await putShardCrops(store, id, s, crops);
    largestPack = Math.max(largestPack, packBytes);
    cropBytes += packBytes;
  }
  await putRunObservations(store, id, 'r1', observations);
  console.log(
    `${shards} shards × ${perShard} flagged crops = ${observations.length} crops, ${(cropBytes / MiB).toFixed(1)} MiB of JPEG; largest pack ${(largestPack / MiB).toFixed(1)} MiB`,
  );
  await new Promise((r) => setTimeout(r, 500));
  for (const [format, archive] of [
    ['coco', 'zip'],
    ['yolo', 'tar'],
  ] as const) {
    // A warm-up request, so module loading does not count as the export's memory.
    await (
      await fetch(`${api.url}/v1/videos/${id}/flags/export?format=${format}&archive=${archive}`, {
        headers: { authorization: `Bearer ${KEY}` },
      })
    ).arrayBuffer();
    const before = rssMiB(api.pid);
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, rssMiB(api.pid))), 20);
    const started = performance.now();
    const res = await fetch(`${api.url}/v1/videos/${id}/flags/export?format=${format}&archive=${archive}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    let bytes = 0;
    // Read chunk by chunk: the benchmark does not hold the archive either.
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    const growth = peak - before;
    console.log(
      `${format}/${archive}: HTTP ${res.status}, ${(bytes / MiB).toFixed(1)} MiB in ${seconds.toFixed(2)} s ` +
        `(${(bytes / MiB / seconds).toFixed(0)} MiB/s, ${(observations.length / seconds).toFixed(0)} crops/s); ` +
        `api RSS before ${before.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB, growth ${growth.toFixed(0)} MiB ` +
        `= ${(growth / (bytes / MiB)).toFixed(2)} × archive, ${(growth / (largestPack / MiB)).toFixed(1)} × largest pack`,
    );
  }
} finally {
  await conn.quit();
  await api.close();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
