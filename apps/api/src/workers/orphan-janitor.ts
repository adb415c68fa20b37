import { Queue, Worker } from 'bullmq';
import { createRedisConnection, type Logger, type ObjectStore, type VideoRepository } from '@orion/shared';

/*
 * The janitor removes what a crash leaves in the store. An upload is written whole at its final key
 * (`videos/<id>/source`) and only then probed and recorded, so there is always a moment when a
 * `videos/<id>/` tree exists without a record; a crash (kill -9 of the API) or a Redis data loss at that
 * moment leaves the tree behind for good. No order of "write, record" closes that gap (the record needs
 * the probe, which needs the stored file), so the janitor closes it instead: a tree with no record
 * whose newest object is older than the age limit is removed, as are unfinished writes (the filesystem
 * store's temporary files, S3's incomplete multipart uploads) older than the limit. The limit must be
 * longer than the longest upload request, since a request's first file waits for the others to arrive
 * before it is admitted.
 */

/** Its own queue, outside the pipeline's: nothing else runs there and the operations API ignores it. */
export const JANITOR_QUEUE = 'janitor';
const SCHEDULER_ID = 'orphan-janitor';
const VIDEOS_PREFIX = 'videos/';

export interface JanitorDeps {
  store: ObjectStore;
  videos: VideoRepository;
  /** Objects younger than this are never removed. */
  orphanAgeMs: number;
  logger: Logger;
}

export interface JanitorResult {
  incompleteWrites: number;
  orphanVideos: string[];
  orphanObjects: number;
}

/** One pass over the store: removes unfinished writes and record-less video trees older than the limit. */
export async function removeOrphans(deps: JanitorDeps, now = new Date()): Promise<JanitorResult> {
  const cutoff = new Date(now.getTime() - deps.orphanAgeMs);
  const incompleteWrites = await deps.store.removeIncompleteWrites(cutoff);
  const orphanVideos: string[] = [];
  let orphanObjects = 0;

  // Keys come in byte order, so each video's objects are contiguous: one tree at a time.
  let current: { id: string; newest: number } | undefined;
  const settle = async () => {
    if (!current || current.newest >= cutoff.getTime()) return;
    // Checked last, right before deleting: a record created meanwhile keeps the tree.
    if (await deps.videos.get(current.id)) return;
    orphanObjects += await deps.store.deletePrefix(`${VIDEOS_PREFIX}${current.id}/`);
    orphanVideos.push(current.id);
  };
  for await (const object of deps.store.listAll(VIDEOS_PREFIX)) {
    const id = object.key.slice(VIDEOS_PREFIX.length).split('/')[0]!;
    // Without a modification time an object counts as new: never removed on a guess.
    const modified = object.lastModified?.getTime() ?? Number.POSITIVE_INFINITY;
    if (current?.id === id) {
      current.newest = Math.max(current.newest, modified);
      continue;
    }
    await settle();
    current = { id, newest: modified };
  }
  await settle();
  if (incompleteWrites > 0 || orphanVideos.length > 0) {
    deps.logger.warn({ incompleteWrites, orphanVideos, orphanObjects }, 'janitor removed orphans');
  }
  return { incompleteWrites, orphanVideos, orphanObjects };
}

export interface StartJanitorOptions extends JanitorDeps {
  redisUrl: string;
  /** The queues' key prefix. */
  prefix: string;
  intervalMs: number;
}

/**
 * A BullMQ job scheduler runs the janitor every `intervalMs`: one schedule however many API processes
 * upsert it, and each run is one job, taken by one of them.
 */
export async function startJanitor(options: StartJanitorOptions): Promise<{ close(): Promise<void> }> {
  const { redisUrl, prefix, intervalMs, logger } = options;
  // Connections passed in are not closed by BullMQ: they are quit after the worker and queue close.
  const queueConnection = createRedisConnection(redisUrl, 'orion-api-janitor-queue');
  const workerConnection = createRedisConnection(redisUrl, 'orion-api-janitor');
  const queue = new Queue(JANITOR_QUEUE, { connection: queueConnection, prefix });
  await queue.upsertJobScheduler(
    SCHEDULER_ID,
    { every: intervalMs },
    { name: 'remove orphans', opts: { removeOnComplete: 20, removeOnFail: 50 } },
  );
  const worker = new Worker(JANITOR_QUEUE, () => removeOrphans(options), {
    connection: workerConnection,
    prefix,
    concurrency: 1,
  });
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id }, 'janitor failed'));
  worker.on('error', (err) => logger.error({ err }, 'janitor worker error'));
  return {
    async close() {
      await worker.close();
      await queue.close();
      await Promise.all([queueConnection.quit(), workerConnection.quit()]);
    },
  };
}
