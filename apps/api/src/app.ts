import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { answeringErrors, registerErrorHandler } from './plugins/app/error-handler.js';
import { authenticate, requireAdmin } from './plugins/app/auth.js';
import requestTiming from './plugins/app/request-timing.js';
import { requestValidatorFactory } from './plugins/app/request-validators.js';
import { uploadLimits } from './plugins/app/upload-limits.js';
import loadShedding from './plugins/external/load-shedding.js';
import multipart from './plugins/external/multipart.js';
import security from './plugins/external/security.js';
import swagger from './plugins/external/swagger.js';
import entityRoutes from './routes/entities.js';
import flagRoutes from './routes/flags.js';
import healthRoutes from './routes/health.js';
import metricsRoutes from './routes/metrics.js';
import queueBoardRoutes from './routes/queue-board.js';
import queueRoutes from './routes/queues.js';
import entityIndexRoutes from './routes/entity-index.js';
import identityRoutes from './routes/identities.js';
import reclusterRoutes from './routes/recluster.js';
import searchRoutes from './routes/search.js';
import uploadRoutes from './routes/uploads.js';
import videoRoutes from './routes/videos.js';
import { EntitySummary, ErrorResponse, Observation, SubmitResponse, VideoStatus } from '@orion/shared/api';
import type { ApiDeps, App } from './types.js';

/**
 * The API as a Fastify instance: external plugins, then the app's own (errors, auth), then routes per
 * resource. Every route has request and response schemas; `/v1/*` and `/admin/*` need an API key.
 */
export async function buildApp(deps: ApiDeps): Promise<App> {
  const app = Fastify({
    // Typed as Fastify's base logger so plugins and routes share one instance type.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Strict types in JSON bodies, coercion where requests carry text (querystring, params, headers).
    schemaController: { compilersFactory: { buildValidator: requestValidatorFactory } },
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // The client's address (rate limits, failed-authentication counts) as the trusted proxies report it.
    trustProxy: deps.config.api.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('deps', deps);
  // Every route, for introspection (the OpenAPI coverage test walks it).
  const routes: { method: string; url: string }[] = [];
  app.decorate('routeList', routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  app.addSchema(ErrorResponse);
  app.addSchema(SubmitResponse);
  app.addSchema(VideoStatus);
  app.addSchema(EntitySummary);
  app.addSchema(Observation);

  await app.register(security);
  const { api } = deps.config;
  await app.register(loadShedding, {
    perMinute: api.rateLimitPerMinute,
    maxEventLoopDelayMs: api.maxEventLoopDelayMs,
    maxEventLoopUtilization: api.maxEventLoopUtilization,
  });
  await app.register(multipart, { maxUploadBytes: deps.config.api.maxUploadBytes });
  await app.register(swagger);
  registerErrorHandler(app);

  await app.register(healthRoutes);
  await app.register(requestTiming);
  await app.register(metricsRoutes);
  await app.register(async (v1: App) => {
    v1.addHook('onRequest', authenticate(deps.tenants, deps.authFailures));
    v1.addHook('onRequest', uploadLimits(deps.uploads));
    await v1.register(videoRoutes);
    await v1.register(entityRoutes);
    await v1.register(flagRoutes);
    await v1.register(reclusterRoutes);
    await v1.register(searchRoutes);
    await v1.register(uploadRoutes);
    await v1.register(queueRoutes);
    await v1.register(entityIndexRoutes);
    await v1.register(identityRoutes);
  });
  await app.register(async (admin: App) => {
    // bull-board answers errors in a shape of its own: the admin checks answer in Orion's before it.
    admin.addHook('onRequest', answeringErrors(authenticate(deps.tenants, deps.authFailures)));
    admin.addHook('onRequest', answeringErrors(requireAdmin));
    await admin.register(queueBoardRoutes);
  });
  return app;
}
