import { readIdentities, type ObjectStore } from '@orion/shared';
import type { IdentitiesQuery, IdentityList } from '@orion/shared/api';
import { thumbnailUrl } from './entity-matches.js';

/** A page of the tenant's stored identities, filtered; empty before the first recompute. */
export async function listIdentities(
  store: ObjectStore,
  tenantId: string,
  query: IdentitiesQuery,
): Promise<IdentityList> {
  const file = await readIdentities(store, tenantId);
  const all = (file?.identities ?? []).filter(
    (i) =>
      (query.videoId === undefined || i.appearances.some((a) => a.videoId === query.videoId)) &&
      (query.acrossVideos === undefined ||
        new Set(i.appearances.map((a) => a.videoId)).size > 1 === query.acrossVideos),
  );
  const limit = query.limit ?? 50;
  const start = query.cursor ? Number(query.cursor) : 0;
  const items = all.slice(start, start + limit);
  return {
    computedAt: file?.computedAt ?? null,
    total: all.length,
    counts: file?.counts ?? { entities: 0, identities: 0, acrossVideos: 0 },
    identities: items.map((i) => ({
      ...i,
      videos: new Set(i.appearances.map((a) => a.videoId)).size,
      appearances: i.appearances.map((a) => ({ ...a, thumbnailUrl: thumbnailUrl(a.videoId, a.entityId) })),
    })),
    ...(start + limit < all.length ? { nextCursor: String(start + limit) } : {}),
  };
}
