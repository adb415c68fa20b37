import fp from 'fastify-plugin';
import { Histogram } from 'prom-client';
import type { App } from '../../types.js';

/** HTTP latency per route, method and status, in the API's metrics registry (`GET /metrics` serves it). */
async function requestTiming(app: App) {
  const httpDuration = new Histogram({
    name: 'orion_http_request_duration_seconds',
    help: 'API request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [app.deps.metrics.registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url;
    if (!route || route === '/metrics') return;
    httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

// Not encapsulated: the timing hook must see every route of the app.
export default fp(requestTiming, { name: 'orion-request-timing' });
