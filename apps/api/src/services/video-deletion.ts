import {
  QueueName,
  jobIds,
  videoKeys,
  type ObjectStore,
  type VideoRecord,
  type VideoRepository,
} from '@orion/shared';
import type { PipelineQueues } from './pipeline-queues.js';

/**
 * Cancels a video's pending jobs and deletes everything stored for it. Jobs already running cannot be
 * pulled from their worker; they finish, find their parent gone, and the finalize step (if it still
 * runs) sees the record deleted and removes anything written late.
 */
export async function deleteVideo(
  record: VideoRecord,
  deps: { queues: PipelineQueues; store: ObjectStore; videos: VideoRepository },
): Promise<{ canceledJobs: number; runningJobs: number }> {
  const { queues, store, videos } = deps;
  await videos.update(record.id, (r) => ({ ...r, state: 'canceled', finishedAt: new Date().toISOString() }));

  const ids: [QueueName, string][] = [
    [QueueName.finalize, jobIds.finalize(record.id, record.runId)],
    [QueueName.cluster, jobIds.cluster(record.id, record.runId)],
    ...Array.from({ length: record.plan.shardCount }, (_, k): [QueueName, string][] => [
      [QueueName.embed, jobIds.embed(record.id, k)],
      [QueueName.detect, jobIds.detect(record.id, k)],
    ]).flat(),
  ];
  let canceledJobs = 0;
  let runningJobs = 0;
  for (const [queue, id] of ids) {
    const job = await queues.job(queue, id);
    if (!job) continue;
    // removeChildren: false — every job of the video is in the list; removing one at a time lets a
    // locked (running) job fail its own removal without blocking the others.
    const removed = await queues.queues[queue].remove(id, { removeChildren: false }).catch(() => 0);
    if (removed) canceledJobs++;
    else runningJobs++;
  }
  await store.deletePrefix(videoKeys(record.id).root);
  await videos.delete(record);
  return { canceledJobs, runningJobs };
}
