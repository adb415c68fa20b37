import { IndexRebuildBody, IndexRebuilt } from '@orion/shared/api';
import { requireAdmin } from '../plugins/app/auth.js';
import { authErrors, errorRef, security } from '../schemas/common.js';
import { rebuildEntityIndex } from '../services/index-rebuild.js';
import type { App } from '../types.js';

/** Operations on the tenants' entity index; admin keys only. */
export default async function entityIndexRoutes(app: App) {
  app.addHook('onRequest', requireAdmin);
  app.post(
    '/v1/index/rebuild',
    {
      schema: {
        tags: ['operations'],
        summary: "Rebuild a tenant's entity index from the stored results of its videos",
        security,
        body: IndexRebuildBody,
        response: { 200: IndexRebuilt, 400: errorRef, 403: errorRef, ...authErrors },
      },
    },
    async (req) => rebuildEntityIndex(req.body?.tenantId ?? req.principal.tenantId, app.deps),
  );
}
