import fp from 'fastify-plugin';
import { Histogram } from 'prom-client';
import type { App } from '../../types.js';

/**
 * `GET /metrics` in Prometheus format (open like the probes, not part of the OpenAPI document): queue
 * depths, HTTP latency per route, storage and Redis errors, and the process's own figures.
 */
async function metricsPlugin(app: App) {
  const { metrics } = app.deps;
  const httpDuration = new Histogram({
    name: 'orion_http_request_duration_seconds',
    help: 'API request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url;
    if (!route || route === '/metrics') return;
    httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

// Not encapsulated: the timing hook must see every route of the app.
export default fp(metricsPlugin, { name: 'orion-metrics' });
