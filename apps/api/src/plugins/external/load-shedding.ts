import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import { keyDigest, presentedKey } from '../../services/api-key.js';

const UNLIMITED = new Set(['/health', '/ready', '/metrics']);

/** Per-key rate limiting and 503s while the event loop is saturated; probes are never limited. */
export default fp<{ perMinute: number }>(async (app, opts) => {
  await app.register(rateLimit, {
    max: opts.perMinute,
    timeWindow: '1 minute',
    allowList: (req) => UNLIMITED.has(req.url.split('?')[0]!),
    // Limit per API key as parsed (every spelling of the header counts for the one key; hashed: keys
    // never become store or log keys), or per address without one.
    keyGenerator: (req) => {
      const key = presentedKey(req.headers.authorization);
      return key ? `key:${keyDigest(key)}` : `address:${req.ip}`;
    },
  });
  await app.register(underPressure, {
    maxEventLoopDelay: 2000,
    retryAfter: 10,
    exposeStatusRoute: false,
  });
});
