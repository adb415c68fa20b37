import { findMatches, labelFamily, readEntityRow, type EntityIndex } from '@orion/entity-index';
import type { EntityMatches, MatchesQuery } from '@orion/shared/api';
import type { VideoRecord } from '@orion/shared';
import { conflict } from '../errors.js';

export const thumbnailUrl = (videoId: string, entityId: string) =>
  `/v1/videos/${videoId}/entities/${entityId}/thumbnail`;

/**
 * Entities of the tenant's other videos that look like one entity of the current run (the caller has
 * checked it exists): nearest centroids in the index, re-id for people, the general embedding otherwise.
 */
export async function entityMatches(
  index: EntityIndex,
  record: VideoRecord,
  entityId: string,
  query: MatchesQuery,
): Promise<EntityMatches> {
  const row = await readEntityRow(index, record.tenantId, record.id, entityId);
  if (!row || row.runId !== record.runId) {
    throw conflict(
      `Entity ${entityId} of video ${record.id} is not in the entity index yet (POST /v1/index/rebuild indexes stored runs)`,
    );
  }
  const found = await findMatches(index, row, { limit: query.limit ?? 10, minScore: query.minScore ?? 0 });
  return {
    videoId: record.id,
    entityId,
    label: row.label,
    labels: labelFamily(row.label),
    matches: found.map((m) => ({
      videoId: m.row.videoId,
      entityId: m.row.entityId,
      runId: m.row.runId,
      label: m.row.label,
      firstSeen: m.row.firstSeen,
      lastSeen: m.row.lastSeen,
      observationCount: m.row.observationCount,
      thumbnailUrl: thumbnailUrl(m.row.videoId, m.row.entityId),
      score: m.score,
      evidence: m.evidence,
    })),
  };
}
