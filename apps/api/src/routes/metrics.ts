import type { App } from '../types.js';

/**
 * `GET /metrics` in Prometheus format (open like the probes, not part of the OpenAPI document): queue
 * depths, HTTP latency per route, storage and Redis errors, and the process's own figures.
 */
export default async function metricsRoutes(app: App) {
  const { registry } = app.deps.metrics;
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-type', registry.contentType).send(await registry.metrics()),
  );
}
