import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OrionMetrics } from './metrics.js';

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A worker's small HTTP port: `/metrics` for Prometheus and `/health` for probes (200 while the
 * worker runs and reaches Redis, 503 otherwise).
 */
export async function startOpsServer(opts: {
  port: number;
  host?: string;
  metrics: OrionMetrics;
  isHealthy: () => Promise<boolean>;
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/metrics') {
      opts.metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': opts.metrics.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
      );
    } else if (path === '/health') {
      opts.isHealthy().then(
        (ok) =>
          res
            .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' })),
        () => res.writeHead(503).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
