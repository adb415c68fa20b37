import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/** Security headers and CORS. Keys travel in the Authorization header (no cookies), so any origin may call. */
export default fp(async (app) => {
  await app.register(helmet, {
    // The Swagger UI page at /docs needs its own inline assets; the API itself serves JSON.
    contentSecurityPolicy: false,
  });
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key'],
    exposedHeaders: ['idempotent-replayed', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining'],
    maxAge: 600,
  });
});
