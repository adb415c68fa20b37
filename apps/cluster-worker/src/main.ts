import { QueueName, workerMain } from '@orion/shared';
import { siblingModule } from '@orion/threads';

// Entry point of the cluster-worker process: one video at a time per job thread.
await workerMain({
  name: 'cluster-worker',
  queue: QueueName.cluster,
  processor: siblingModule(import.meta.url, './processor'),
  concurrency: () => 1,
  onCompleted: (metrics, result) =>
    metrics.itemsProcessed.inc({ queue: QueueName.cluster, kind: 'observations' }, result.observations),
});
