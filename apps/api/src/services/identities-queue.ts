import { QueueName, type IdentitiesJobData } from '@orion/shared';
import type { PipelineQueues } from './pipeline-queues.js';

/**
 * Queues the tenant's identities job. After a completed video it is debounced (BullMQ deduplication
 * with `extend` and `replace`: one delayed job per tenant whose wait restarts with each completion); a
 * request runs it at once, replacing a delayed one.
 */
export async function queueIdentities(
  queues: PipelineQueues,
  data: IdentitiesJobData,
  debounceMs: number,
): Promise<string | undefined> {
  const delay = data.reason === 'requested' ? 0 : debounceMs;
  const job = await queues.queues[QueueName.identities].add('identities', data, {
    delay,
    // keepLastIfActive: a video indexed while the job runs gets a run after it (the running one may
    // have read the table before that video's rows were there).
    deduplication: {
      id: `identities:${data.tenantId}`,
      ttl: Math.max(1, delay),
      extend: true,
      replace: true,
      keepLastIfActive: true,
    },
  });
  return job.id;
}
