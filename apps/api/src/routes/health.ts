import { Health, Ready } from '../schemas/health.js';
import type { App } from '../types.js';

async function succeeds(work: () => Promise<unknown>, timeoutMs = 2000): Promise<boolean> {
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** Liveness (the process answers) and readiness (Redis and storage answer); no key needed. */
export default async function healthRoutes(app: App) {
  const { redis, store } = app.deps;
  app.get(
    '/health',
    { schema: { tags: ['health'], summary: 'Liveness probe', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness probe: Redis and storage reachable',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_req, reply) => {
      const [redisOk, storageOk] = await Promise.all([
        succeeds(() => redis.ping()),
        succeeds(() => store.list('', { limit: 1 })),
      ]);
      const ok = redisOk && storageOk;
      return reply
        .status(ok ? 200 : 503)
        .send({ status: ok ? 'ready' : 'unavailable', checks: { redis: redisOk, storage: storageOk } });
    },
  );
}
