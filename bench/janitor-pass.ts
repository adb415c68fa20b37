/**
 * One janitor pass over a store holding recorded videos and record-less orphan trees, on the
 * filesystem store and on S3 (s3rver): prints how long the pass takes and what it removed.
 *
 *   npx tsx --conditions=orion-source bench/janitor-pass.ts [videos=500] [orphans=100]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FsObjectStore,
  S3ObjectStore,
  VideoRepository,
  createLogger,
  createRedisConnection,
  type ObjectStore,
  type VideoRecord,
} from '@orion/shared';
import { startRedisServer, startS3Server } from '@orion/testkit';
import { removeOrphans } from '../apps/api/src/workers/orphan-janitor.js';

const videoCount = Number(process.argv[2] ?? 500);
const orphanCount = Number(process.argv[3] ?? 100);
const OBJECTS_PER_VIDEO = 6; // source, video.json, two shards' detections and crops
const AGE_MS = 60_000;
const logger = createLogger({ name: 'bench-janitor', level: 'silent', pretty: false });

async function fill(store: ObjectStore, ids: string[]): Promise<void> {
  const keys = ids.flatMap((id) => [
    `videos/${id}/source`,
    `videos/${id}/video.json`,
    ...[0, 1].flatMap((k) => [
      `videos/${id}/shards/0000${k}/detections.json`,
      `videos/${id}/shards/0000${k}/crops.bin`,
    ]),
  ]);
  for (let i = 0; i < keys.length; i += 32) {
    await Promise.all(keys.slice(i, i + 32).map((key) => store.put(key, 'x'.repeat(256))));
  }
}

const redis = await startRedisServer();
const s3 = await startS3Server();
const dir = await mkdtemp(join(tmpdir(), 'orion-bench-janitor-'));
const connection = createRedisConnection(redis.url);
try {
  const stores: [string, ObjectStore][] = [
    ['fs', new FsObjectStore(join(dir, 'data'))],
    [
      's3 (s3rver)',
      new S3ObjectStore({
        bucket: s3.bucket,
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: s3.credentials,
      }),
    ],
  ];
  console.log(
    `janitor pass: ${videoCount} recorded videos + ${orphanCount} orphans, ${OBJECTS_PER_VIDEO} objects each`,
  );
  for (const [name, store] of stores) {
    const videos = new VideoRepository(connection, `bench-${name.slice(0, 2)}`);
    const recorded = Array.from({ length: videoCount }, (_, k) => `rec-${k}`);
    const orphans = Array.from({ length: orphanCount }, (_, k) => `orphan-${k}`);
    for (const id of recorded) {
      const now = new Date().toISOString();
      await videos.create({ id, tenantId: 'bench', createdAt: now, updatedAt: now } as VideoRecord);
    }
    await fill(store, [...recorded, ...orphans]);
    // Every object counts as older than the limit: the pass decides by the records alone.
    const t0 = performance.now();
    const result = await removeOrphans(
      { store, videos, orphanAgeMs: AGE_MS, logger },
      new Date(Date.now() + 2 * AGE_MS),
    );
    const ms = performance.now() - t0;
    const listed = (videoCount + orphanCount) * OBJECTS_PER_VIDEO;
    console.log(
      `${name.padEnd(12)} ${ms.toFixed(0).padStart(6)} ms  ${((listed / ms) * 1000).toFixed(0).padStart(6)} objects/s listed  removed ${result.orphanVideos.length} trees (${result.orphanObjects} objects), kept ${videoCount}`,
    );
    await store.close();
  }
} finally {
  await connection.quit();
  await s3.stop();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
