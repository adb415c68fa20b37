import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import { HttpError } from '../../errors.js';
import { keyDigest, presentedKey } from '../../services/api-key.js';

const UNLIMITED = new Set(['/health', '/ready', '/metrics']);
/** Answer even while overloaded: liveness (a busy API is alive), metrics, and /ready (it says so itself). */
const NEVER_SHED = UNLIMITED;
const OVERLOAD_RETRY_AFTER_SECONDS = 10;
/** under-pressure's sampling period (its default), named because the start-up grace depends on it. */
const SAMPLE_INTERVAL_MS = 1000;

export interface LoadSheddingOptions {
  perMinute: number;
  /** Mean event-loop delay (ms) past which requests get 503; 0: off. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilization (0–1) past which requests get 503; 0: off. */
  maxEventLoopUtilization: number;
}

/** Per-key rate limiting and 503s while the event loop is saturated; probes are never limited. */
export default fp<LoadSheddingOptions>(async (app, opts) => {
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
  // The first samples measure start-up (module loading, compiling routes: > 1 s of delay on 2 cores),
  // not load: until a sample has been taken wholly after the server is ready, nothing is shed.
  let sheddingFrom = Infinity;
  app.addHook('onReady', async () => {
    sheddingFrom = performance.now() + 2 * SAMPLE_INTERVAL_MS;
  });
  await app.register(underPressure, {
    sampleInterval: SAMPLE_INTERVAL_MS,
    maxEventLoopDelay: opts.maxEventLoopDelayMs,
    maxEventLoopUtilization: opts.maxEventLoopUtilization,
    retryAfter: OVERLOAD_RETRY_AFTER_SECONDS,
    exposeStatusRoute: false,
    // The documented error shape (through the one error handler) rather than the plugin's own.
    pressureHandler: (req, reply, type, value) => {
      if (NEVER_SHED.has(req.url.split('?')[0]!) || performance.now() < sheddingFrom) return undefined;
      reply.header('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS));
      const measured =
        typeof value === 'number' ? ` (${type} ${value.toFixed(type === 'eventLoopDelay' ? 0 : 2)})` : '';
      return Promise.reject(
        new HttpError(
          503,
          'OVERLOADED',
          `The API is overloaded${measured}; retry after ${OVERLOAD_RETRY_AFTER_SECONDS} s`,
        ),
      );
    },
  });
});
