import { SearchBody, SearchResults } from '@orion/shared/api';
import { authErrors, errorRef, security } from '../schemas/common.js';
import { EntitySearch } from '../services/entity-search.js';
import type { App } from '../types.js';

/** Search across the tenant's processed videos: by text, or "find similar" to an entity. */
export default async function searchRoutes(app: App) {
  const search = new EntitySearch(app.deps);
  app.post(
    '/v1/search',
    {
      schema: {
        tags: ['entities'],
        summary: 'Rank entities of your videos by a text query or by similarity to an entity',
        security,
        body: SearchBody,
        response: { 200: SearchResults, 400: errorRef, 404: errorRef, ...authErrors },
      },
    },
    async (req) => search.search(req.principal.tenantId, req.body),
  );
}
