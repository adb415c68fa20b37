import {
  QueueName,
  createServiceContext,
  runWorker,
  startWorkerOps,
  type EmbedJobResult,
  type ServiceContext,
} from '@orion/shared';
import { checkEmbedSettings, embedWorkerSettings } from './settings.js';

// Entry point of the embed-worker process: validated config, Redis and storage checked, the embedding
// model loaded (files checked against their sha256) in every job thread before the first job, clean
// shutdown on SIGTERM (running jobs finish first).
const ctx = await createServiceContext('embed-worker');
const { config, logger } = ctx;

/** Startup problems (settings, model files, providers) stop the process with a message naming the cause. */
async function fail(context: ServiceContext, err: unknown): Promise<never> {
  const message = err instanceof Error ? err.message : String(err);
  context.logger.fatal({ err: message }, 'embed-worker cannot start');
  process.stderr.write(`embed-worker cannot start: ${message}\n`);
  await context.close();
  process.exit(78);
}

try {
  checkEmbedSettings(config);
} catch (err) {
  await fail(ctx, err);
}

const settings = embedWorkerSettings(config);
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const running = await runWorker(ctx, {
  queue: QueueName.embed,
  processor: new URL(`./processor.${ext}`, import.meta.url),
  concurrency: settings.concurrency,
}).catch((err: unknown) => fail(ctx, err));

// Crops per job and the image encoder's time per crop, under the provider that really ran it.
const ops = await startWorkerOps(ctx, running, (metrics, result: EmbedJobResult) => {
  metrics.itemsProcessed.inc({ queue: QueueName.embed, kind: 'crops' }, result.count);
  if (result.count > 0) {
    metrics.inferenceSeconds.observe(
      { model: result.model, provider: result.executionProvider },
      result.timings.inferenceMs / result.count / 1000,
    );
  }
}).catch((err: unknown) => fail(ctx, err));

logger.info(
  {
    queue: QueueName.embed,
    opsPort: ops.port,
    backend: config.embedding.model,
    multimodal: config.embedding.multimodal,
    concurrency: settings.concurrency,
    storage: config.storage.driver,
    redis: config.redis.url,
    worker: running.worker.name,
  },
  'embed-worker ready',
);
