import { createServiceContext, onShutdown } from '@orion/shared';

// Entry point of the api process: validated config, Redis and storage checked, clean shutdown.
const ctx = await createServiceContext('api');
ctx.logger.info({ storage: ctx.config.storage.driver, redis: ctx.config.redis.url }, 'api ready');
onShutdown(ctx.logger, () => ctx.close());
