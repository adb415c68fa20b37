import type { Worker } from 'bullmq';
import { inject } from 'vitest';
import { createLogger, loadConfig } from '@orion/shared';
import { startApp, type ApiHarness as TestkitHarness, type LaunchedApi } from '@orion/testkit';
import { buildApp } from '../src/app.js';
import { createApiDeps } from '../src/deps.js';
import { startCallbackWorker } from '../src/workers/callback-worker.js';
import { startFinalizeWorker } from '../src/workers/finalize-worker.js';

/** The API built in the test's own process, so tests can reach its dependencies and routes. */
interface InProcessApi extends LaunchedApi {
  deps: Awaited<ReturnType<typeof createApiDeps>>;
  routeList: { method: string; url: string }[];
}

export type ApiHarness = TestkitHarness<InProcessApi>;

/** testkit's `startApp` with the app itself: a real API on a free port (see `StartAppOptions`). */
export function startApi(
  options: { storage?: 'fs' | 's3'; env?: Record<string, string>; backgroundWorkers?: boolean } = {},
): Promise<ApiHarness> {
  const launch = async (env: Record<string, string>): Promise<InProcessApi> => {
    const config = loadConfig(env);
    const logger = createLogger({ name: 'api-test', level: config.logLevel, pretty: false });
    const deps = await createApiDeps(config, logger);
    const app = await buildApp(deps);
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const workers: Worker[] = [];
    if (options.backgroundWorkers) {
      const base = { redisUrl: config.redis.url, queues: deps.queues, videos: deps.videos, logger };
      workers.push(
        startFinalizeWorker({ ...base, store: deps.store, entityIndex: deps.entityIndex, redis: deps.redis }),
        startCallbackWorker({
          ...base,
          ...config.api.callbacks,
          tenants: deps.tenants,
          policy: deps.callbackPolicy,
        }),
      );
    }
    return {
      url,
      deps,
      routeList: app.routeList,
      async close() {
        await app.close();
        await Promise.all(workers.map((w) => w.close()));
        for (const q of Object.values(deps.queues.queues))
          await q.obliterate({ force: true }).catch(() => undefined);
        await deps.close();
      },
    };
  };
  const { storage, env } = options;
  return startApp(launch, { servers: { redisUrl: inject('redisUrl'), s3: inject('s3') }, storage, env });
}
