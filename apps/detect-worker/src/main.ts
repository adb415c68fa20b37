import { createServiceContext, onShutdown } from '@orion/shared';

// Entry point of the detect-worker process: validated config, Redis and storage checked, clean shutdown.
const ctx = await createServiceContext('detect-worker');
ctx.logger.info({ storage: ctx.config.storage.driver, redis: ctx.config.redis.url }, 'detect-worker ready');
onShutdown(ctx.logger, () => ctx.close());
