import type { Worker } from 'bullmq';
import {
  ConfigError,
  VideoRepository,
  createLogger,
  createRedisConnection,
  loadConfigOrExit,
  onShutdown,
} from '@orion/shared';
import { buildApp } from './app.js';
import { createApiDeps } from './deps.js';
import { PipelineQueues } from './services/pipeline-queues.js';
import { startCallbackWorker } from './workers/callback-worker.js';
import { startFinalizeWorker } from './workers/finalize-worker.js';
import { startIdentitiesWorker } from './workers/identities-worker.js';
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
const closeAtShutdown: (() => Promise<void>)[] = [];
if (config.api.runBackgroundWorkers) {
  // Not the request connection (fail-fast): a job met by a short Redis outage waits for it to return.
  const redis = createRedisConnection(config.redis.url, 'orion-api-background');
  const queues = new PipelineQueues(redis, config.redis.queuePrefix);
  closeAtShutdown.push(async () => {
    await queues.close();
    await redis.quit();
  });
  const videos = new VideoRepository(redis, config.redis.queuePrefix);
  const base = { redisUrl: config.redis.url, queues, videos, logger };
  workers.push(
    startFinalizeWorker({
      ...base,
      store: deps.store,
      entityIndex: deps.entityIndex,
      redis,
      identitiesDebounceMs: config.identities.debounceMs,
    }),
  );
  // The identities job reads the entity index this process holds open (workers/identities-worker.ts).
  workers.push(
    startIdentitiesWorker({
      ...base,
      store: deps.store,
      entityIndex: deps.entityIndex,
      maxPool: config.identities.maxPool,
    }),
  );
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
      prefix: queues.prefix,
      ...config.api.janitor,
      store: deps.store,
      videos,
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
  for (const close of closeAtShutdown) await close();
  await deps.close();
});
