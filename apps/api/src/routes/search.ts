import { SearchBody, SearchResults } from '@orion/shared/api';
import { HttpError } from '../errors.js';
import { authErrors, errorRef, security } from '../schemas/common.js';
import { EntitySearch } from '../services/entity-search.js';
import { readImageSearch } from '../services/search-image-request.js';
import type { App } from '../types.js';

/**
 * Search across all of the tenant's videos, on its entity index: JSON (text, label or entity), or
 * multipart/form-data with an image (Fastify validates the JSON form; the multipart one is read here).
 */
export default async function searchRoutes(app: App) {
  const search = new EntitySearch(app.deps);
  app.post(
    '/v1/search',
    {
      schema: {
        tags: ['entities'],
        summary: 'Rank entities of your videos by text, label, similarity to an entity, or an uploaded image',
        security,
        body: { content: { 'application/json': { schema: SearchBody } } },
        response: {
          200: SearchResults,
          400: errorRef,
          404: errorRef,
          409: errorRef,
          413: errorRef,
          415: errorRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      if (req.isMultipart()) {
        const { image, query } = await readImageSearch(req);
        return search.searchImage(req.principal.tenantId, image, query);
      }
      const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        throw new HttpError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `POST /v1/search takes application/json (text, label or entity) or multipart/form-data (an image), not ${type ?? 'a body without a content type'}`,
        );
      }
      return search.search(req.principal.tenantId, req.body as SearchBody);
    },
  );
}
