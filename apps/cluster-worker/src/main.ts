import { createServiceContext, onShutdown } from '@orion/shared';

// Entry point of the cluster-worker process: validated config, Redis and storage checked, clean shutdown.
const ctx = await createServiceContext('cluster-worker');
ctx.logger.info({ storage: ctx.config.storage.driver, redis: ctx.config.redis.url }, 'cluster-worker ready');
onShutdown(ctx.logger, () => ctx.close());
