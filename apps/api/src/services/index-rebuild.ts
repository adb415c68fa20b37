import { ObjectNotFoundError, type Logger, type ObjectStore, type VideoRepository } from '@orion/shared';
import { readRunRows, type EntityIndex } from '@orion/entity-index';
import type { IndexRebuilt } from '@orion/shared/api';

const PAGE = 200;

/**
 * Rebuilds a tenant's entity table from what is stored: drops it, writes each video's current run
 * again, then trains the ANN indices once on all rows (partitions for the table's whole size, where
 * the index built during the writes would keep those of its first INDEX_MIN_ROWS rows). Videos
 * without results (still running, failed, canceled) are skipped. Search sees a partial table, and
 * searches it exactly, while it runs.
 */
export async function rebuildEntityIndex(
  tenantId: string,
  deps: { store: ObjectStore; videos: VideoRepository; entityIndex: EntityIndex; logger: Logger },
): Promise<IndexRebuilt> {
  const started = performance.now();
  await deps.entityIndex.dropTenant(tenantId);
  let videos = 0;
  let skipped = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.videos.listForTenant(tenantId, { limit: PAGE, cursor });
    for (const record of page.records) {
      if (record.state !== 'completed') {
        skipped++;
        continue;
      }
      try {
        const { rows, dim } = await readRunRows(deps.store, record, record.runId);
        await deps.entityIndex.replaceVideo(tenantId, record.id, rows, { dim, deferAnn: true });
        videos++;
      } catch (err) {
        if (!(err instanceof ObjectNotFoundError)) throw err;
        skipped++;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  await deps.entityIndex.trainAnnIndices(tenantId);
  const stats = await deps.entityIndex.stats(tenantId);
  const ms = Math.round(performance.now() - started);
  deps.logger.info({ tenantId, videos, skipped, rows: stats.rows, ms }, 'entity index rebuilt');
  return { tenantId, videos, skipped, rows: stats.rows, annIndex: stats.annIndex, ms };
}
