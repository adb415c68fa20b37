import {
  QueueName,
  createServiceContext,
  resolveDetectionModel,
  runWorker,
  type ServiceContext,
} from '@orion/shared';
import { startDetectOps } from './ops.js';

// Entry point of the detect-worker process: validated config, Redis and storage checked, the detector
// model verified and loaded in every job thread before the first job, clean shutdown on SIGTERM.
const ctx = await createServiceContext('detect-worker');
const { config, logger } = ctx;

/** Startup problems (model files, providers) stop the process with a message naming the cause. */
async function fail(context: ServiceContext, err: unknown): Promise<never> {
  const message = err instanceof Error ? err.message : String(err);
  context.logger.fatal({ err: message }, 'detect-worker cannot start');
  process.stderr.write(`detect-worker cannot start: ${message}\n`);
  await context.close();
  process.exit(78);
}

try {
  // Fast and clear in the main thread; the job threads then load the same files.
  const model = await resolveDetectionModel(config.detector.model, config.modelsDir);
  logger.info(
    { model: model.manifest.name, file: model.modelPath, manifest: model.manifestOrigin },
    'detector model verified',
  );
} catch (err) {
  await fail(ctx, err);
}

const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const running = await runWorker(ctx, {
  queue: QueueName.detect,
  processor: new URL(`./processor.${ext}`, import.meta.url),
  concurrency: config.detector.concurrency,
}).catch((err: unknown) => fail(ctx, err));

const ops = await startDetectOps(ctx, running).catch((err: unknown) => fail(ctx, err));

logger.info(
  {
    queue: QueueName.detect,
    opsPort: ops.port,
    concurrency: config.detector.concurrency,
    storage: config.storage.driver,
    redis: config.redis.url,
    worker: running.worker.name,
  },
  'detect-worker ready',
);
