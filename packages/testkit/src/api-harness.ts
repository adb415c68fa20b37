import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestServers } from './worker-test-env.js';

/** API keys of three tenants the test API accepts; `admin` has the admin role. */
export const TEST_API_KEYS = {
  acme: 'acme-key-0123456789abcdef',
  globex: 'globex-key-0123456789abcdef',
  admin: 'admin-key-0123456789abcdef',
};

/** The test run's Redis and S3 server, as vitest's global setup provides them. */
/** A running API: where it listens and how it stops. */
export interface LaunchedApi {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the API with this environment, in the test's process or as a child process. Passed in
 * rather than imported, so that testkit (a package) never imports an app.
 */
export type ApiLauncher<T extends LaunchedApi> = (env: Record<string, string>) => Promise<T>;

/** A fetch Response whose JSON body tests can read without casting every field. */
export type TestResponse = Omit<Response, 'json' | 'clone'> & {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): Promise<any>;
  clone(): TestResponse;
};

export type ApiHarness<T extends LaunchedApi = LaunchedApi> = T & {
  /** The queue prefix this API alone uses on the shared Redis. */
  prefix: string;
  redisUrl: string;
  /** Where the API stores videos and results (`file://…` or `s3://bucket/prefix`), for tests that seed it. */
  storageUrl: string;
  /** fetch against the API, with `TEST_API_KEYS.acme` unless `key` says otherwise (null: none). */
  request(path: string, init?: RequestInit & { key?: string | null }): Promise<TestResponse>;
};

export interface StartAppOptions {
  servers: TestServers;
  /** Where videos and results go: a temp folder (default) or the S3 server. */
  storage?: 'fs' | 's3';
  /** Extra environment, over the harness's own. */
  env?: Record<string, string>;
}

/** A real API on a free port against the test run's Redis and either a temp folder or s3rver. */
export async function startApp<T extends LaunchedApi>(
  launch: ApiLauncher<T>,
  options: StartAppOptions,
): Promise<ApiHarness<T>> {
  const { redisUrl, s3 } = options.servers;
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const dir = await mkdtemp(join(tmpdir(), 'orion-api-'));
  const storageEnv: Record<string, string> =
    options.storage === 's3'
      ? {
          STORAGE_URL: `s3://${s3.bucket}/${prefix}`,
          S3_ENDPOINT: s3.endpoint,
          S3_FORCE_PATH_STYLE: 'true',
          S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
          S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        }
      : { STORAGE_URL: `file://${join(dir, 'data')}` };
  const keys = TEST_API_KEYS;
  const api = await launch({
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    API_KEYS: `${keys.acme}=acme,${keys.globex}=globex,${keys.admin}=ops:admin`,
    CALLBACK_SIGNING_SECRET: 'test-callback-secret',
    API_HOST: '127.0.0.1',
    API_PORT: '0',
    LOG_LEVEL: 'warn',
    // Test files share a busy machine, where the event loop lags for reasons of its own: load shedding
    // would answer 503 at random. Its own test turns it on.
    API_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...storageEnv,
    ...options.env,
  }).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...api,
    prefix,
    redisUrl,
    storageUrl: storageEnv.STORAGE_URL!,
    request(path, init = {}) {
      const { key = keys.acme, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key) headers.set('authorization', `Bearer ${key}`);
      return fetch(`${api.url}${path}`, { ...rest, headers }) as Promise<TestResponse>;
    },
    async close() {
      await api.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
