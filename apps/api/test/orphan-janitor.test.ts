import { randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  VideoRepository,
  createLogger,
  createObjectStore,
  createRedisConnection,
  loadConfig,
} from '@orion/shared';
import {
  TEST_API_KEYS as KEYS,
  apiProcess,
  fileForm,
  makeUploadMedia,
  startApp,
  type UploadMedia,
} from '@orion/testkit';
import { JANITOR_QUEUE, removeOrphans, startJanitor } from '../src/workers/orphan-janitor.js';
import { startApi } from './harness.js';

const logger = createLogger({ name: 'janitor-test', level: 'silent', pretty: false });

let media: UploadMedia;
beforeAll(async () => {
  media = await makeUploadMedia();
});
afterAll(async () => {
  await media?.cleanup();
});

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('orphan janitor', () => {
  it('removes what a kill -9 of the API mid-upload left: whole sources without a record and a partial write', async () => {
    let env: Record<string, string> = {};
    // A janitor that never runs in the API itself: the test runs its own after the crash.
    const api = await startApp(
      async (e) => {
        env = e;
        return apiProcess({ ...e, JANITOR_INTERVAL_SECONDS: '86400' });
      },
      { servers: { redisUrl: inject('redisUrl'), s3: inject('s3') } },
    );
    const config = loadConfig(env);
    const dataDir = env.STORAGE_URL!.slice('file://'.length);
    const redis = createRedisConnection(config.redis.url);
    const janitorQueue = new Queue(JANITOR_QUEUE, { connection: redis, prefix: config.redis.queuePrefix });
    let janitor: { close(): Promise<void> } | undefined;
    try {
      // Four files in one request: two whole, the third cut off halfway, and the process killed then.
      const boundary = `orion-${randomUUID()}`;
      const upload = request(`${api.url}/v1/videos`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEYS.acme}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
      });
      upload.on('error', () => undefined); // the connection dies with the process
      const head = (name: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: video/mp4\r\n\r\n`;
      const [long, short] = await Promise.all([readFile(media.long), readFile(media.short)]);
      upload.write(head('a.mp4'));
      upload.write(short);
      upload.write(`\r\n${head('b.mp4')}`);
      upload.write(short);
      upload.write(`\r\n${head('c.mp4')}`);
      upload.write(long.subarray(0, long.length >> 1));

      await until('two stored sources and a partial third', async () => {
        const files = await filesUnder(dataDir);
        return (
          files.filter((f) => /^videos\/[^/]+\/source$/.test(f)).length === 2 &&
          files.some((f) => f.startsWith('.orion-tmp/'))
        );
      });
      process.kill(api.pid, 'SIGKILL');
      await until('the API to die', async () => {
        try {
          process.kill(api.pid, 0);
          return false;
        } catch {
          return true;
        }
      });
      upload.destroy();

      const left = await filesUnder(dataDir);
      expect(left.filter((f) => f.startsWith('videos/'))).toHaveLength(2);
      expect(left.filter((f) => f.startsWith('.orion-tmp/'))).toHaveLength(1);
      const ids = left.filter((f) => f.startsWith('videos/')).map((f) => f.split('/')[1]!);
      const videos = new VideoRepository(redis, config.redis.queuePrefix);
      for (const id of ids) expect(await videos.get(id)).toBeUndefined();

      // The janitor as the API runs it: a scheduled BullMQ job, here every 0.5 s with a 1 s age limit.
      janitor = await startJanitor({
        redisUrl: config.redis.url,
        prefix: config.redis.queuePrefix,
        intervalMs: 500,
        orphanAgeMs: 1_000,
        store: createObjectStore(config),
        videos,
        logger,
      });
      await until('the janitor to empty the store', async () => (await filesUnder(dataDir)).length === 0);
      const runs = await janitorQueue.getJobs(['completed']);
      const removed = runs.flatMap((j) => (j.returnvalue as { orphanVideos: string[] }).orphanVideos);
      expect(removed.sort()).toEqual(ids.sort());
      expect(
        runs.reduce((n, j) => n + (j.returnvalue as { incompleteWrites: number }).incompleteWrites, 0),
      ).toBe(1);
    } finally {
      await janitor?.close();
      await janitorQueue.obliterate({ force: true }).catch(() => undefined);
      await janitorQueue.close();
      await redis.quit();
      await api.close();
    }
  });

  for (const storage of ['fs', 's3'] as const) {
    it(`removes a record-less videos/<id>/ tree older than the limit and keeps a fresh one and recorded ones (${storage})`, async () => {
      const api = await startApi({ storage });
      try {
        const { store, videos } = api.deps;
        const res = await api.request('/v1/videos', {
          method: 'POST',
          body: await fileForm([{ path: media.short, name: 'short.mp4' }]),
        });
        expect(res.status).toBe(202);
        const recorded = ((await res.json()) as { videos: { id: string }[] }).videos[0]!.id;
        await store.put('videos/orphan-old/source', 'left by a crash');
        await store.put('videos/orphan-old/video.json', '{}');
        // Both the recorded video and the old orphan are now older than the 1.5 s limit; the fresh one is not.
        await sleep(3_000);
        await store.put('videos/orphan-new/source', 'being admitted right now');

        const result = await removeOrphans({ store, videos, orphanAgeMs: 1_500, logger });
        expect(result.orphanVideos).toEqual(['orphan-old']);
        expect(result.orphanObjects).toBe(2);
        expect(await store.head('videos/orphan-old/source')).toBeUndefined();
        expect(await store.head('videos/orphan-new/source')).toBeDefined();
        expect(await store.head(`videos/${recorded}/source`)).toBeDefined();
        expect(await store.head(`videos/${recorded}/video.json`)).toBeDefined();
      } finally {
        await api.close();
      }
    });
  }
});
