import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'bullmq';
import { inject } from 'vitest';
import { createLogger, loadConfig } from '@orion/shared';
import { makeTestVideo } from '@orion/testkit';
import { buildApp } from '../src/app.js';
import { createApiDeps } from '../src/deps.js';
import { startCallbackWorker } from '../src/workers/callback-worker.js';
import { startFinalizeWorker } from '../src/workers/finalize-worker.js';

export const KEYS = {
  acme: 'acme-key-0123456789abcdef',
  globex: 'globex-key-0123456789abcdef',
  admin: 'admin-key-0123456789abcdef',
};

/** A fetch Response whose JSON body tests can read without casting every field. */
export type TestResponse = Omit<Response, 'json' | 'clone'> & {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): Promise<any>;
  clone(): TestResponse;
};

export interface ApiHarness {
  url: string;
  prefix: string;
  deps: Awaited<ReturnType<typeof createApiDeps>>;
  routeList: { method: string; url: string }[];
  request(path: string, init?: RequestInit & { key?: string | null }): Promise<TestResponse>;
  close(): Promise<void>;
}

/** A real API on a free port against the test run's Redis and either a temp folder or s3rver. */
export async function startApi(
  options: { storage?: 'fs' | 's3'; env?: Record<string, string>; backgroundWorkers?: boolean } = {},
): Promise<ApiHarness> {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const dir = await mkdtemp(join(tmpdir(), 'orion-api-'));
  const s3 = inject('s3');
  const storageEnv =
    options.storage === 's3'
      ? {
          STORAGE_URL: `s3://${s3.bucket}/${prefix}`,
          S3_ENDPOINT: s3.endpoint,
          S3_FORCE_PATH_STYLE: 'true',
          S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        }
      : { STORAGE_URL: `file://${join(dir, 'data')}` };
  const config = loadConfig({
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: prefix,
    API_KEYS: `${KEYS.acme}=acme,${KEYS.globex}=globex,${KEYS.admin}=ops:admin`,
    CALLBACK_SIGNING_SECRET: 'test-callback-secret',
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    LOG_LEVEL: 'warn',
    ...storageEnv,
    ...options.env,
  });
  const logger = createLogger({ name: 'api-test', level: config.logLevel, pretty: false });
  const deps = await createApiDeps(config, logger);
  const app = await buildApp(deps);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const workers: Worker[] = [];
  if (options.backgroundWorkers) {
    const base = { redisUrl: config.redis.url, queues: deps.queues, videos: deps.videos, logger };
    workers.push(
      startFinalizeWorker({ ...base, store: deps.store }),
      startCallbackWorker({ ...base, tenants: deps.tenants }),
    );
  }
  return {
    url,
    prefix,
    deps,
    routeList: app.routeList,
    request(path, init = {}) {
      const { key = KEYS.acme, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key) headers.set('authorization', `Bearer ${key}`);
      return fetch(`${url}${path}`, { ...rest, headers }) as Promise<TestResponse>;
    },
    async close() {
      await app.close();
      await Promise.all(workers.map((w) => w.close()));
      for (const q of Object.values(deps.queues.queues))
        await q.obliterate({ force: true }).catch(() => undefined);
      await deps.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Test media made once per file: a 25 s and a 4 s testsrc2 video, and a text file named .mp4. */
export async function makeMedia() {
  const dir = await mkdtemp(join(tmpdir(), 'orion-media-'));
  const [long, short] = await Promise.all([
    makeTestVideo({ out: join(dir, 'long.mp4'), seconds: 25, fps: 10, width: 160, height: 120 }),
    makeTestVideo({ out: join(dir, 'short.mp4'), seconds: 4, fps: 10, width: 160, height: 120 }),
  ]);
  const text = join(dir, 'notes.mp4');
  await writeFile(text, 'this is a text file, not a video\n'.repeat(100));
  return { dir, long, short, text, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function fileForm(files: { path: string; name: string }[], fields: Record<string, string> = {}) {
  const { openAsBlob } = await import('node:fs');
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('file', await openAsBlob(f.path), f.name);
  return form;
}
