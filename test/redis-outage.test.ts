import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fileForm,
  freePort,
  makeTestVideo,
  startAppProcess,
  startRedisServer,
  tempDirs,
  type AppProcess,
  type RunningRedis,
} from '@orion/testkit';

// Redis stopped by pid while the API serves, then started again on the same port: requests answer
// 503 with Retry-After instead of hanging, a submit during the outage leaves nothing behind (no
// upload, no record, no job after Redis returns), and the API serves again once Redis is back.

const KEY = 'outage-test-key-0123456789';
const PREFIX = 'outage';
const dirs = tempDirs();
let redisPort: number;
let redis: RunningRedis;
let api: AppProcess;
let apiUrl: string;
let dataDir: string;
let video: string;

async function call(path: string, init: RequestInit = {}) {
  const started = Date.now();
  const res = await fetch(`${apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${KEY}`, ...init.headers },
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, headers: res.headers, body, ms: Date.now() - started };
}

/** Every file under `dir` (relative paths); none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  redisPort = await freePort();
  redis = await startRedisServer({ port: redisPort });
  const dir = await dirs.make('orion-outage-');
  dataDir = join(dir, 'data');
  video = await makeTestVideo({ out: join(dir, 'clip.mp4'), seconds: 2, fps: 10, width: 160, height: 120 });
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = startAppProcess('api', {
    LOG_LEVEL: 'info',
    REDIS_URL: redis.url,
    STORAGE_URL: `file://${dataDir}`,
    QUEUE_PREFIX: PREFIX,
    API_KEYS: `${KEY}=outage`,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
  });
  await api.waitFor(/api ready/, 60_000);
}, 120_000);

afterAll(async () => {
  api?.child.kill('SIGKILL');
  await redis?.stop();
  await dirs.cleanup();
});

describe('Redis outage', () => {
  it('answers 503 with Retry-After while Redis is down, admits nothing, and serves again after', async () => {
    expect((await call('/ready')).status).toBe(200);
    expect((await call('/v1/videos/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    await redis.stop();

    const status = await call('/v1/videos/00000000-0000-4000-8000-000000000000');
    expect(status.status).toBe(503);
    expect(status.headers.get('retry-after')).toBe('5');
    expect(status.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'REDIS_UNAVAILABLE',
      message: expect.stringMatching(/Redis.*unreachable/),
    });
    // A correctness bound (fail fast rather than hang), not a speed measurement.
    expect(status.ms).toBeLessThan(5_000);

    const ready = await call('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', checks: { redis: false } });
    expect(ready.ms).toBeLessThan(5_000);

    const submit = await call('/v1/videos', {
      method: 'POST',
      body: await fileForm([{ path: video, name: 'clip.mp4' }]),
    });
    expect(submit.status).toBe(503);
    expect(submit.body.code).toBe('REDIS_UNAVAILABLE');
    expect(submit.ms).toBeLessThan(5_000);
    expect(await filesUnder(dataDir)).toEqual([]);

    redis = await startRedisServer({ port: redisPort });
    await until(async () => (await call('/ready')).status === 200, 30_000, 'the API was not ready again');
    expect((await call('/v1/videos/00000000-0000-4000-8000-000000000000')).status).toBe(404);

    // Nothing of the refused submit reached the new Redis when the connection came back.
    const check = new Redis(redis.url);
    try {
      const keys = await check.keys(`${PREFIX}:*`);
      expect(keys.filter((k) => /:(detect|embed|cluster|finalize):[^:]+$/.test(k))).toEqual([]);
      expect(keys.filter((k) => k.includes('video'))).toEqual([]);
    } finally {
      check.disconnect();
    }
    expect(await filesUnder(dataDir)).toEqual([]);

    // And a submit now is admitted as usual.
    const again = await call('/v1/videos', {
      method: 'POST',
      body: await fileForm([{ path: video, name: 'clip.mp4' }]),
    });
    expect(again.status).toBe(202);
    console.info(
      `Redis outage: status ${status.ms} ms, /ready ${ready.ms} ms, submit ${submit.ms} ms to a 503`,
    );
  }, 120_000);
});
