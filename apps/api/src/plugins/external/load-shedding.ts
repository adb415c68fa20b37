import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';

const UNLIMITED = new Set(['/health', '/ready', '/metrics']);

/** Per-key rate limiting and 503s while the event loop is saturated; probes are never limited. */
export default fp<{ perMinute: number }>(async (app, opts) => {
  await app.register(rateLimit, {
    max: opts.perMinute,
    timeWindow: '1 minute',
    allowList: (req) => UNLIMITED.has(req.url.split('?')[0]!),
    // Limit per API key (hashed: keys never become Redis or log keys), or per address without one.
    keyGenerator: (req) => {
      const auth = req.headers.authorization;
      return auth ? createHash('sha256').update(auth).digest('hex') : req.ip;
    },
  });
  await app.register(underPressure, {
    maxEventLoopDelay: 2000,
    retryAfter: 10,
    exposeStatusRoute: false,
  });
});
