import { createServiceContext, onShutdown } from '@orion/shared';

// Entry point of the embed-worker process: validated config, Redis and storage checked, clean shutdown.
const ctx = await createServiceContext('embed-worker');
ctx.logger.info({ storage: ctx.config.storage.driver, redis: ctx.config.redis.url }, 'embed-worker ready');
onShutdown(ctx.logger, () => ctx.close());
