import { Worker, type Job } from 'bullmq';
import { readTenantFields, readTenantRowsKept, type EntityIndex } from '@orion/entity-index';
import {
  QueueName,
  createRedisConnection,
  parseJobData,
  writeIdentities,
  type IdentitiesJobResult,
  type Logger,
  type ObjectStore,
} from '@orion/shared';
import { groupIdentities, rowsToGroup } from '../services/identity-grouping.js';
import type { PipelineQueues } from '../services/pipeline-queues.js';

export interface IdentitiesDeps {
  redisUrl: string;
  queues: PipelineQueues;
  store: ObjectStore;
  entityIndex: EntityIndex;
  logger: Logger;
  /** IDENTITIES_MAX_POOL. */
  maxPool: number;
}

/**
 * Regroups a tenant's entities into identities and stores them whole (tenants/{t}/identities.json).
 * It reads only the entity index (the rows carry every vector it needs), which the API process holds
 * open already, and of it only the rows it will group with their vectors; a large pool is clustered
 * in a worker thread, so requests are not held up.
 */
export async function recomputeIdentities(job: Job, deps: IdentitiesDeps): Promise<IdentitiesJobResult> {
  const { tenantId } = parseJobData(QueueName.identities, job.data);
  const started = performance.now();
  const readAt = new Date();
  // Fields first, then the vectors of the rows the grouping will use only: a tenant's whole table
  // with its vectors (≈ 5 KiB an entity) need not fit in the API's memory.
  const plan = rowsToGroup(await readTenantFields(deps.entityIndex, tenantId), deps.maxPool);
  const rows = await readTenantRowsKept(deps.entityIndex, tenantId, plan.keep);
  const file = await groupIdentities(tenantId, rows, readAt, deps.maxPool, plan.leftOut);
  await writeIdentities(deps.store, file);
  if (file.counts.leftOut) {
    deps.logger.warn(
      { tenantId, leftOut: file.counts.leftOut, maxPool: deps.maxPool },
      'identities: label families over IDENTITIES_MAX_POOL were cut to their best-seen entities',
    );
  }
  deps.logger.info(
    { tenantId, ...file.counts, ms: Math.round(performance.now() - started) },
    'identities recomputed',
  );
  return file.counts;
}

export function startIdentitiesWorker(deps: IdentitiesDeps): Worker {
  const worker = new Worker(QueueName.identities, (job: Job) => recomputeIdentities(job, deps), {
    connection: createRedisConnection(deps.redisUrl, 'orion-api-identities'),
    prefix: deps.queues.prefix,
    // One tenant's recompute replaces the whole file: one job at a time keeps writes ordered.
    concurrency: 1,
  });
  worker.on('failed', (job, err) => deps.logger.error({ err, jobId: job?.id }, 'identities failed'));
  worker.on('error', (err) => deps.logger.error({ err }, 'identities worker error'));
  return worker;
}
