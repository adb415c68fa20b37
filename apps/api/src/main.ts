import type { Worker } from 'bullmq';
import { ConfigError, createLogger, loadConfigOrExit, onShutdown } from '@orion/shared';
import { buildApp } from './app.js';
import { createApiDeps } from './deps.js';
import { startCallbackWorker } from './workers/callback-worker.js';
import { startFinalizeWorker } from './workers/finalize-worker.js';
import { startJanitor } from './workers/orphan-janitor.js';

const config = loadConfigOrExit();
const logger = createLogger({ name: 'api', level: config.logLevel });

let deps;
try {
  deps = await createApiDeps(config, logger);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
  throw err;
}
const app = await buildApp(deps);

// The finalize and callback workers are light (a few Redis reads, one HTTP POST): they live here.
const workers: Pick<Worker, 'close'>[] = [];
if (config.api.runBackgroundWorkers) {
  const base = { redisUrl: config.redis.url, queues: deps.queues, videos: deps.videos, logger };
  workers.push(startFinalizeWorker({ ...base, store: deps.store, redis: deps.redis }));
  workers.push(
    startCallbackWorker({
      ...base,
      ...config.api.callbacks,
      tenants: deps.tenants,
      policy: deps.callbackPolicy,
    }),
  );
  workers.push(
    await startJanitor({
      redisUrl: config.redis.url,
      prefix: deps.queues.prefix,
      ...config.api.janitor,
      store: deps.store,
      videos: deps.videos,
      logger,
    }),
  );
}

const address = await app.listen({ host: config.api.host, port: config.api.port });
logger.info({ address, storage: config.storage.driver }, 'api ready');

// SIGTERM: stop accepting, let in-flight requests finish, then close workers and connections.
onShutdown(logger, async () => {
  await app.close();
  await Promise.all(workers.map((w) => w.close()));
  await deps.close();
});
