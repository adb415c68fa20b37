import {
  videoKeys,
  type ObjectStore,
  type VideoRecord,
  type VideoRepository,
  type VideoTombstones,
} from '@orion/shared';
import type { EntityIndex } from '@orion/entity-index';
import { removeVideoJobs, scheduleSweep } from '../workers/deleted-video-sweep.js';
import type { PipelineQueues } from './pipeline-queues.js';

/**
 * Deletes a video: marks it deleted first (the tombstone every worker checks before it writes), cancels
 * its pending jobs, deletes everything stored for it and its record, and schedules the sweep that
 * removes what jobs still running at this moment leave behind (the entity index's rows included) (apps/api/src/workers/deleted-video-sweep.ts).
 */
export async function deleteVideo(
  record: VideoRecord,
  deps: {
    queues: PipelineQueues;
    store: ObjectStore;
    entityIndex: EntityIndex;
    videos: VideoRepository;
    tombstones: VideoTombstones;
  },
): Promise<{ canceledJobs: number; runningJobs: number }> {
  const { queues, store, entityIndex, videos, tombstones } = deps;
  await tombstones.mark(record.id);
  await videos.update(record.id, (r) => ({ ...r, state: 'canceled', finishedAt: new Date().toISOString() }));

  const runIds = [record.runId, ...(record.pendingRunId ? [record.pendingRunId] : [])];
  const jobs = { videoId: record.id, tenantId: record.tenantId, shardCount: record.plan.shardCount, runIds };
  // Scheduled before anything is removed, so a failure below still leaves a sweep to finish the work.
  await scheduleSweep(queues, jobs);
  const { removed, running } = await removeVideoJobs(queues, jobs);
  await store.deletePrefix(videoKeys(record.id).root);
  await entityIndex.deleteVideo(record.tenantId, record.id);
  await videos.delete(record);
  return { canceledJobs: removed, runningJobs: running };
}
