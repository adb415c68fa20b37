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

/**
 * Liveness (the process answers: never shed, a busy API is alive) and readiness (Redis and storage
 * answer and the event loop is not overloaded, so a balancer sends the burst elsewhere); no key needed.
 */
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
        summary: 'Readiness probe: Redis and storage reachable, event loop not overloaded',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (_req, reply) => {
      const [redisOk, storageOk] = await Promise.all([
        succeeds(() => redis.ping()),
        succeeds(() => store.list('', { limit: 1 })),
      ]);
      const eventLoopOk = !app.isUnderPressure();
      const ok = redisOk && storageOk && eventLoopOk;
      return reply.status(ok ? 200 : 503).send({
        status: ok ? 'ready' : 'unavailable',
        checks: { redis: redisOk, storage: storageOk, eventLoop: eventLoopOk },
      });
    },
  );
}
