import {
  EntityMatches,
  IdentitiesQuery,
  IdentitiesRecompute,
  IdentityList,
  MatchesQuery,
} from '@orion/shared/api';
import { notFound } from '../errors.js';
import { authErrors, errorRef, security } from '../schemas/common.js';
import { EntityParams } from '../schemas/entity.js';
import { entityMatches } from '../services/entity-matches.js';
import { queueIdentities } from '../services/identities-queue.js';
import { listIdentities } from '../services/identity-list.js';
import { ownVideo } from '../services/own-video.js';
import { ResultsReader } from '../services/results-reader.js';
import type { App } from '../types.js';

/** The same object in other videos: an entity's matches, and the tenant's identities. */
export default async function identityRoutes(app: App) {
  const { videos, store, entityIndex, queues } = app.deps;
  const results = new ResultsReader(store);

  app.get(
    '/v1/videos/:id/entities/:entityId/matches',
    {
      schema: {
        tags: ['entities'],
        summary: "Entities of the tenant's other videos that look like this one, best first",
        security,
        params: EntityParams,
        querystring: MatchesQuery,
        response: { 200: EntityMatches, 400: errorRef, 404: errorRef, 409: errorRef, ...authErrors },
      },
    },
    async (req) => {
      const record = await ownVideo(videos, req.params.id, req.principal.tenantId);
      const file = await results.entities(record);
      if (!file.entities.some((e) => e.id === req.params.entityId)) {
        throw notFound(`No entity ${req.params.entityId} in video ${record.id}`);
      }
      return entityMatches(entityIndex, record, req.params.entityId, req.query);
    },
  );

  app.get(
    '/v1/identities',
    {
      schema: {
        tags: ['entities'],
        summary: "The tenant's identities: entities grouped across its videos, with their appearances",
        security,
        querystring: IdentitiesQuery,
        response: { 200: IdentityList, 400: errorRef, ...authErrors },
      },
    },
    async (req) => listIdentities(store, req.principal.tenantId, req.query),
  );

  app.post(
    '/v1/identities/recompute',
    {
      schema: {
        tags: ['entities'],
        summary:
          "Regroup the tenant's entities into identities now (a job; GET /v1/identities shows its result)",
        security,
        response: { 202: IdentitiesRecompute, ...authErrors },
      },
    },
    async (req, reply) => {
      const jobId = await queueIdentities(
        queues,
        { tenantId: req.principal.tenantId, reason: 'requested' },
        app.deps.config.identities.debounceMs,
      );
      return reply.code(202).send({ jobId: jobId ?? '' });
    },
  );
}
